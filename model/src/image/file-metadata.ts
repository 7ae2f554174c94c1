import { UNSTATED_PPI } from './density.js';
import { addToTiff } from './tiff-exif.js';
import { bareExif, exifHasResolution, exifWithOrientation, exifWithoutThumbnail, exifWithPixelSize, resolutionExif } from './exif.js';
import type { WritableFormat } from './formats.js';
import { exifSegment, insertJpegSegments, iptcSegment } from './jpeg-segments.js';
import { insertPngChunk, pngChunk } from './png-chunks.js';
import { iptcAsXmp } from './iptc-xmp.js';
import { insertWebpExif } from './webp-exif.js';
import { xmpWithDescription } from './xmp.js';
import type { RasterImage, SourceMetadata } from './types.js';

/**
 * Which of the photo's EXIF, IPTC and print resolution libvips writes into the result, and which
 * are added to the file it wrote. libvips passes EXIF through libexif, which drops IFD0 tags it
 * does not know (Rating), empties MakerNotes it cannot parse (Pentax) and moves others without
 * fixing their offsets (Sony): JPEG, PNG and WebP get the photo's own EXIF bytes after libvips
 * instead; TIFF gets EXIF and IPTC from tiff-exif.ts, JPEG its IPTC as APP13.
 */
export interface MetadataPlan {
  /** EXIF for the carrier, which libvips writes. */
  carriedExif: Buffer | null;
  /** Print resolution for the carrier (pHYs), which libvips writes. */
  carriedDensity: number | null;
  /** Adds the rest to the file libvips wrote at `written`; `scratch` is a free temp name beside it. */
  addAfter(written: string, scratch: string): Promise<void>;
  /** The XMP libvips writes: the photo's, with its IPTC as IPTC Core where the format holds no IPTC. */
  xmp(photoXmp: string | null): string | null;
}

export function planMetadata(source: SourceMetadata, raster: Pick<RasterImage, 'width' | 'height' | 'channels'>, format: WritableFormat): MetadataPlan {
  // PNG and WebP hold no IPTC (JPEG and TIFF get it as it is, below): its fields go in the XMP.
  const iptc = format === 'png' || format === 'webp' ? source.iptc : undefined;
  const xmp = (photoXmp: string | null) => {
    const description = iptc ? iptcAsXmp(iptc, photoXmp) : null;
    return description ? xmpWithDescription(photoXmp, description) : photoXmp;
  };
  return { ...planFileMetadata(source, raster, format), xmp };
}

function planFileMetadata(source: SourceMetadata, raster: Pick<RasterImage, 'width' | 'height' | 'channels'>, format: WritableFormat): Omit<MetadataPlan, 'xmp'> {
  const exifSource = bareExif(source.exif);
  if (format === 'tiff') {
    const iptc = source.iptc ?? null;
    return {
      carriedExif: null,
      // sharp's TIFF writer takes the resolution itself (encode.ts).
      carriedDensity: null,
      addAfter: async (written) => {
        if (exifSource || iptc) await addToTiff(written, { exif: exifSource, iptc });
      },
    };
  }
  // Upright and deblurred: orientation 1, no thumbnail of the old pixels, the size written.
  const own = exifSource ? exifWithPixelSize(exifWithOrientation(exifWithoutThumbnail(exifSource), 1), raster.width, raster.height) : null;
  const density = carriedDensity(source.density, own !== null);
  // JPEG and WebP hold a print resolution only in EXIF: a photo without EXIF gets one saying just that.
  const block = own ?? (density && format !== 'png' ? resolutionExif(density) : null);
  if (format === 'jpeg') {
    const segments = [block ? exifSegment(block) : null, source.iptc ? iptcSegment(source.iptc) : null];
    // A block too big for one JPEG segment still goes through libvips.
    const carriedExif = block && !segments[0] ? block : null;
    // libvips writes the resolution into the EXIF it writes; into ours it cannot. (72 ppi is what
    // readers assume where none is stated: not worth another pass over the file.)
    const stated = source.density !== undefined && source.density !== 72;
    const jfifDensity = stated && !carriedExif && !(block && exifHasResolution(block)) ? source.density : undefined;
    const added = segments.filter((s) => s !== null);
    return {
      carriedExif,
      carriedDensity: density,
      addAfter: async (written, scratch) => {
        if (added.length > 0 || jfifDensity !== undefined) await insertJpegSegments(written, added, scratch, jfifDensity);
      },
    };
  }
  if (format === 'png') {
    // libvips always writes a pHYs, from the carrier's or else its own 25.4 ppi: so a PNG always
    // takes the carrier (its deflate costs far more than the carrier's uncompressed write).
    const stated = source.density ?? UNSTATED_PPI;
    return own
      ? { carriedExif: null, carriedDensity: stated, addAfter: (written, scratch) => insertPngChunk(written, pngChunk('eXIf', own), scratch) }
      : { carriedExif: null, carriedDensity: stated, addAfter: () => Promise.resolve() };
  }
  // WebP states a resolution only in EXIF: a block without one goes through libvips, which writes
  // it in (at libexif's cost, for this rare case), rather than losing it. Not for 72 ppi, which
  // readers assume where none is stated.
  if (own && density && density !== 72 && !exifHasResolution(own)) return { carriedExif: own, carriedDensity: density, addAfter: () => Promise.resolve() };
  const alpha = raster.channels === 2 || raster.channels === 4;
  return {
    carriedExif: null,
    carriedDensity: density,
    addAfter: async (written, scratch) => {
      if (block) await insertWebpExif(written, block, scratch, { width: raster.width, height: raster.height, alpha });
    },
  };
}

/**
 * The print resolution for the carrier to hand to libvips. 72 ppi is what JPEG and EXIF writers
 * put when they know nothing: on its own it makes no carrier file (a photo with no profile and no
 * EXIF keeps the fast path without one); beside EXIF that libvips no longer reads, it goes too.
 */
function carriedDensity(density: number | undefined, withExif: boolean): number | null {
  return density !== undefined && (density !== UNSTATED_PPI || withExif) ? density : null;
}
