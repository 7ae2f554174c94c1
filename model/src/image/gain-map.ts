import { stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { rewriteFile } from './file-rewrite.js';
import { isSegment, jpegHeadOf, readJpegHead, type JpegSegment } from './jpeg-head.js';

/**
 * Ultra HDR / ISO 21496-1 JPEGs (Pixel 8+, Galaxy S24, Android 14+ by default): an SDR picture
 * plus a gain map, a second JPEG after the first, found through an MPF (CIPA DC-007) index, that
 * tells an HDR screen how much brighter each area may be shown. The result is encoded from raw
 * pixels, so without this the HDR rendition was lost without a word. The original gain map is
 * put back after the deblurred SDR picture (it is not deblurred itself: it is a smooth, low-
 * resolution map, and re-deriving it would need the HDR original the phone never stored).
 */
export interface GainMap {
  /** The gain map JPEG exactly as the original holds it (its own metadata segments included). */
  image: Buffer;
  /** The original first picture's APP2 segments that say a gain map follows (ISO 21496-1 version). */
  primarySegments: Buffer;
}

const ISO_21496 = Buffer.from('urn:iso:std:iso:ts:21496:-1\0', 'latin1');

/** The gain map of a JPEG that has one (sharp reads it), else undefined. `head`: the photo's head segments. */
export function readGainMap(meta: Pick<Metadata, 'format' | 'gainMap'>, head: readonly JpegSegment[]): GainMap | undefined {
  if (meta.format !== 'jpeg' || !meta.gainMap?.image.length) return undefined;
  const iso = head.filter((s) => isSegment(s, 0xe2, ISO_21496));
  return { image: Buffer.from(meta.gainMap.image), primarySegments: Buffer.concat(iso.map((s) => s.bytes)) };
}

/**
 * The gain map JPEG a result of a photo with `orientation` gets: turned as the result's pixels
 * were (they are written upright, orientation 1), so re-encoded and of another length for 2–8.
 */
export function resultGainMap(gainMap: GainMap, orientation: number): Promise<Buffer> {
  return orientation > 1 && orientation <= 8 ? uprightGainMap(gainMap.image, orientation) : Promise.resolve(gainMap.image);
}

/**
 * The photo's XMP for a result whose gain map (resultGainMap) is `length` bytes. An Ultra HDR v1
 * photo's GContainer directory gives the gain map's length, and readers that locate it that way
 * (Chrome and Android, where the MPF index fails) add the Primary item's Padding: the gain map now
 * follows the picture directly. Only attributes are rewritten, as those readers read only them.
 */
export function xmpWithGainMapLength(xmp: string, length: number): string {
  return xmp.replace(/<[\w.-]+:Item\b[^>]*>/g, (item) => {
    if (/:Semantic\s*=\s*["']GainMap["']/.test(item)) return item.replace(/(:Length\s*=\s*["'])\s*\d+\s*(["'])/, `$1${length}$2`);
    if (/:Semantic\s*=\s*["']Primary["']/.test(item)) return item.replace(/(:Padding\s*=\s*["'])\s*\d+\s*(["'])/, '$10$2');
    return item;
  });
}

/**
 * `jpegPath` (a fresh result, whose XMP came through the encoder) made an Ultra HDR file with
 * `image` (resultGainMap) after it: the original's ISO 21496-1 segment and a new MPF index after
 * its APP segments, the gain map appended after its end.
 */
export async function attachGainMap(jpegPath: string, gainMap: GainMap, image: Buffer, scratchPath: string): Promise<void> {
  const segments = await readJpegHead(jpegPath);
  const insertAt = segments.find((s) => s.marker < 0xe0 || s.marker > 0xef)?.at ?? 2;
  const size = (await stat(jpegPath)).size;
  const mpfAt = insertAt + gainMap.primarySegments.length;
  const primaryLength = size + gainMap.primarySegments.length + MPF_SEGMENT_BYTES;
  // MPF offsets count from the MPF's own TIFF header: 4 bytes of marker and length, 4 of 'MPF\0'.
  const mpf = mpfSegment(primaryLength, image.length, primaryLength - (mpfAt + 8));
  await rewriteFile(jpegPath, scratchPath, [{ from: 0, to: insertAt }, gainMap.primarySegments, mpf, { from: insertAt }, image]);
}

const MPF_SEGMENT_BYTES = 4 + 4 + 8 + 2 + 3 * 12 + 4 + 2 * 16;

/** An APP2 MPF segment (big-endian) indexing the primary image and one gain map after it. */
function mpfSegment(primaryLength: number, gainMapLength: number, gainMapOffset: number): Buffer {
  const b = Buffer.alloc(MPF_SEGMENT_BYTES);
  b.writeUInt16BE(0xffe2, 0);
  b.writeUInt16BE(MPF_SEGMENT_BYTES - 2, 2);
  b.write('MPF\0', 4, 'latin1');
  const t = 8; // the TIFF header
  b.write('MM\0*', t, 'latin1');
  b.writeUInt32BE(8, t + 4);
  b.writeUInt16BE(3, t + 8);
  const entry = (i: number, tag: number, type: number, count: number, value: (at: number) => void) => {
    const at = t + 10 + i * 12;
    b.writeUInt16BE(tag, at);
    b.writeUInt16BE(type, at + 2);
    b.writeUInt32BE(count, at + 4);
    value(at + 8);
  };
  const entriesAt = 8 + 2 + 3 * 12 + 4; // from the TIFF header
  entry(0, 0xb000, 7, 4, (at) => b.write('0100', at, 'latin1')); // MPFVersion
  entry(1, 0xb001, 4, 1, (at) => b.writeUInt32BE(2, at)); // NumberOfImages
  entry(2, 0xb002, 7, 32, (at) => b.writeUInt32BE(entriesAt, at)); // MPEntry
  // Next IFD: 0 (already). Then the two MP entries: attribute, size, offset, two dependents.
  const e = t + entriesAt;
  b.writeUInt32BE(0x030000, e); // baseline primary image
  b.writeUInt32BE(primaryLength, e + 4);
  // The gain map: attribute 0 (a plain JPEG) at e + 16, left zero.
  b.writeUInt32BE(gainMapLength, e + 20);
  b.writeUInt32BE(gainMapOffset, e + 24);
  return b;
}

/** EXIF orientation → sharp's turn and mirror that make it upright (checked against sharp's own autoOrient in the tests). */
const UPRIGHT: Readonly<Record<number, { angle: number; flop?: boolean; flip?: boolean }>> = {
  2: { angle: 0, flop: true },
  3: { angle: 180 },
  4: { angle: 0, flip: true },
  5: { angle: 270, flop: true },
  6: { angle: 90 },
  7: { angle: 90, flop: true },
  8: { angle: 270 },
};

/**
 * The gain map turned upright as decode turned the photo, JPEG again with the original's own
 * metadata segments. Its values are gains, not colours: read and written with no profile
 * conversion (ignoreIcc) and in its own channel count (one, usually).
 */
async function uprightGainMap(jpeg: Buffer, orientation: number): Promise<Buffer> {
  const { angle, flop = false, flip = false } = UPRIGHT[orientation] ?? { angle: 0 };
  const { channels } = await sharp(jpeg).metadata();
  const image = sharp(jpeg, { ignoreIcc: true }).rotate(angle).flop(flop).flip(flip);
  const turned = await (channels === 1 ? image.toColourspace('b-w') : image).jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
  // Its own XMP (hdrgm:*), ISO 21496-1 metadata and profile: APP1 to APP15 of the original.
  const own = (await jpegHeadOf(jpeg)).filter((s) => s.marker > 0xe0 && s.marker <= 0xef).map((s) => s.bytes);
  return Buffer.concat([turned.subarray(0, 2), ...own, turned.subarray(2)]);
}

/** What the user is told when the output format has no place for the gain map. */
export function gainMapNote(name: string, format: string): string {
  return `${name} is an HDR photo (a JPEG with a gain map); ${format.toUpperCase()} cannot hold the gain map, so the result is the standard (SDR) picture only. Save as JPEG to keep the HDR.`;
}
