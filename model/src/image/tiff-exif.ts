import { makerNoteMover } from './maker-note.js';
import { readAtBuffer, readExifTree, readIfd, tiffHeader, withTiffIfd0, writeExifTree, type ExifTree, type IfdEntry } from './tiff-ifd.js';

/**
 * EXIF in TIFF files, which neither side of sharp handles: libvips reads no EXIF from a TIFF
 * and its TIFF writer has no EXIF directory. In a TIFF, EXIF is not a block but part of the
 * file's own structure: descriptive tags in IFD0 beside the image's layout tags, plus EXIF and
 * GPS sub-directories. These two functions move that between a TIFF file and the EXIF block
 * (a small TIFF structure of its own) that the rest of the pipeline carries.
 */

/** IFD0 tags that describe the photo rather than the file's layout, carried from file to file. */
const DESCRIPTIVE_IFD0_TAGS: ReadonlySet<number> = new Set([
  0x000b, // ProcessingSoftware
  0x010e, // ImageDescription
  0x010f, // Make
  0x0110, // Model
  0x0131, // Software
  0x0132, // DateTime
  0x013b, // Artist
  0x013c, // HostComputer
  0x4746, // Rating
  0x4749, // RatingPercent
  0x8298, // Copyright
  0x9c9b, // XPTitle
  0x9c9c, // XPComment
  0x9c9d, // XPAuthor
  0x9c9e, // XPKeywords
  0x9c9f, // XPSubject
]);
/**
 * Read into a TIFF's EXIF block besides the descriptive tags: the orientation, and the print
 * resolution, which a JPEG, PNG or WebP result takes from the block as it is (libvips no longer
 * writes it in). Neither makes a block by itself, and a TIFF result keeps libvips' own.
 */
const ORIENTATION_AND_RESOLUTION_TAGS: ReadonlySet<number> = new Set([0x0112, 0x011a, 0x011b, 0x0128]);
/**
 * EXIF tags about JPEG compression (ComponentsConfiguration, CompressedBitsPerPixel) and the
 * compressed image's size (PixelX/YDimension), which the EXIF standard does not allow in a TIFF.
 */
const NOT_IN_TIFF: ReadonlySet<number> = new Set([0x9101, 0x9102, 0xa002, 0xa003]);
const MAKE = 0x010f;
const IPTC_NAA = 0x83bb;
const EMPTY_TREE: ExifTree = { little: true, ifd0: [], exif: [], gps: [], interop: [] };
const MAKER_NOTE = 0x927c;
/** Classic TIFF offsets are 32-bit. */
const MAX_TIFF_OFFSET = 0xffffffff;

/**
 * UNDEFINED values whose bytes follow the EXIF's byte order (UCS-2 text, SHORTs inside): a
 * UNICODE UserComment is swapped to the new order; the others are left out when it changes.
 */
const USER_COMMENT = 0x9286;
const UNICODE_PREFIX = 'UNICODE\0';
const ORDER_DEPENDENT_UNDEFINED: ReadonlySet<number> = new Set([
  0x8828, // OECF
  0xa20c, // SpatialFrequencyResponse
  0xa302, // CFAPattern
  0xa40b, // DeviceSettingDescription
]);

function inByteOrder(entry: IfdEntry, changes: boolean): IfdEntry[] {
  if (!changes) return [entry];
  if (ORDER_DEPENDENT_UNDEFINED.has(entry.tag)) return [];
  if (entry.tag !== USER_COMMENT || entry.value.toString('latin1', 0, 8) !== UNICODE_PREFIX || entry.value.length % 2 !== 0) return [entry];
  const value = Buffer.from(entry.value);
  value.subarray(8).swap16();
  return [{ ...entry, value }];
}

/**
 * The EXIF entries ready to be written in `toLittle` order: the MakerNote with a mover that
 * keeps its offsets true at its new place, or without it where that cannot be done, and values
 * whose bytes follow the byte order turned with it (or left out).
 */
function movableExif(tree: ExifTree, toLittle: boolean): IfdEntry[] {
  const makeEntry = tree.ifd0.find((e) => e.tag === MAKE);
  const make = makeEntry ? makeEntry.value.toString('latin1').replace(/\0[\s\S]*$/, '') : '';
  return tree.exif.flatMap((entry) => {
    if (entry.tag !== MAKER_NOTE) return inByteOrder(entry, tree.little !== toLittle);
    const mover = makerNoteMover({ note: entry.value, make, at: entry.at, fromLittle: tree.little, toLittle });
    return mover ? [{ ...entry, place: mover }] : [];
  });
}

/**
 * IPTC-NAA as LONGs, as Photoshop and exiftool write it, over the datasets' bytes as they are:
 * padded to whole LONGs, and pre-swapped for a big-endian file so writing swaps them back.
 */
function iptcEntry(datasets: Buffer, little: boolean): IfdEntry {
  const value = Buffer.concat([datasets, Buffer.alloc((4 - (datasets.length % 4)) % 4)]);
  return { tag: IPTC_NAA, type: 4, count: value.length / 4, value: little ? value : value.swap32() };
}

function hasPhotoTags(tree: ExifTree): boolean {
  return tree.exif.length > 0 || tree.gps.length > 0 || tree.ifd0.some((e) => DESCRIPTIVE_IFD0_TAGS.has(e.tag));
}

/**
 * The TIFF file's EXIF as a bare EXIF block (II*\0 / MM\0*, as exif.ts works on), or null where
 * it has none or it cannot be read: a TIFF's EXIF is never a reason to refuse the photo.
 */
export async function readTiffExif(path: string): Promise<Buffer | null> {
  try {
    return await withTiffIfd0(path, async ({ readAt, little, ifd0 }) => {
      // IFD0's layout values (strip offsets, the ICC profile, Photoshop's data…) are not read.
      const tree = await readExifTree(readAt, ifd0, little, (tag) => DESCRIPTIVE_IFD0_TAGS.has(tag) || ORIENTATION_AND_RESOLUTION_TAGS.has(tag));
      if (!hasPhotoTags(tree)) return null;
      const blockHeader = Buffer.from(little ? 'II*\0\x08\0\0\0' : 'MM\0*\0\0\0\x08', 'latin1');
      return Buffer.concat([blockHeader, writeExifTree({ ...tree, exif: movableExif(tree, little) }, little, 8)]);
    });
  } catch {
    return null;
  }
}

/**
 * The EXIF block's photo tags and the IPTC datasets added to a TIFF file written by libvips: a
 * new IFD0 (the file's own entries plus the block's descriptive ones and IPTC-NAA) and the EXIF
 * and GPS directories are appended, and the header is pointed at the new IFD0. The image data does
 * not move; the old IFD0 stays behind unreferenced (a few hundred bytes plus its values).
 * Orientation and resolution stay as libvips wrote them. Returns false where nothing could be
 * added (no photo tags or IPTC, BigTIFF, over 4 GB).
 */
export async function addToTiff(path: string, { exif, iptc }: { exif: Buffer | null; iptc: Buffer | null }): Promise<boolean> {
  const source = exif ? tiffHeader(exif) : null;
  const tree = exif && source ? await readExifTree(readAtBuffer(exif), source.ifd0, source.little) : EMPTY_TREE;
  if (!hasPhotoTags(tree) && !iptc) return false;
  const done = await withTiffIfd0(
    path,
    async ({ file, readAt, size: end, ...header }) => {
      const exifEntries = movableExif(tree, header.little).filter((e) => !NOT_IN_TIFF.has(e.tag));
      const own = await readIfd(readAt, header.ifd0, header.little);
      // Rewriting IFD0 without an entry it could not read would damage the file.
      if (!own.complete) return false;
      const ownTags = new Set(own.entries.map((e) => e.tag));
      const added = tree.ifd0.filter((e) => DESCRIPTIVE_IFD0_TAGS.has(e.tag) && !ownTags.has(e.tag));
      if (iptc && !ownTags.has(IPTC_NAA)) added.push(iptcEntry(iptc, header.little));
      // TIFF offsets must be even.
      const base = end + (end & 1);
      const appended = { ifd0: [...own.entries, ...added], exif: exifEntries, gps: tree.gps, interop: tree.interop };
      // Laid out once at 0 for its size: past 4 GB its offsets could not be written at all.
      if (base + writeExifTree(appended, header.little, 0).length > MAX_TIFF_OFFSET) return false;
      const bytes = writeExifTree(appended, header.little, base, own.next);
      await file.write(Buffer.alloc(base - end), 0, base - end, end);
      await file.write(bytes, 0, bytes.length, base);
      const pointer = Buffer.alloc(4);
      if (header.little) pointer.writeUInt32LE(base);
      else pointer.writeUInt32BE(base);
      await file.write(pointer, 0, 4, 4);
      return true;
    },
    'r+',
  );
  return done ?? false;
}
