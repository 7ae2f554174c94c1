import { open, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { rewriteFile } from './file-rewrite.js';

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
const SOI = 0xffd8;
const SOS = 0xda;

/** The gain map of a JPEG that has one (sharp reads it), else undefined. */
export async function readGainMap(path: string, meta: Pick<Metadata, 'format' | 'gainMap'>): Promise<GainMap | undefined> {
  if (meta.format !== 'jpeg' || !meta.gainMap?.image.length) return undefined;
  const segments = await headSegments(path);
  const iso = segments.filter((s) => s.marker === 0xe2 && s.bytes.subarray(4, 4 + ISO_21496.length).equals(ISO_21496));
  return { image: Buffer.from(meta.gainMap.image), primarySegments: Buffer.concat(iso.map((s) => s.bytes)) };
}

interface Segment {
  marker: number;
  /** Where it starts in the file (its 0xFF). */
  at: number;
  /** Marker, length and payload. */
  bytes: Buffer;
}

/** The marker segments between SOI and the first scan (or any non-segment byte). */
async function headSegments(path: string): Promise<Segment[]> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const read = async (at: number, length: number) => {
      const bytes = Buffer.alloc(Math.max(0, Math.min(length, size - at)));
      await file.read(bytes, 0, bytes.length, at);
      return bytes;
    };
    if ((await read(0, 2)).readUInt16BE(0) !== SOI) return [];
    const segments: Segment[] = [];
    for (let at = 2; at + 4 <= size; ) {
      const head = await read(at, 4);
      if (head[0] !== 0xff || head[1] === SOS) break;
      const length = head.readUInt16BE(2);
      segments.push({ marker: head[1]!, at, bytes: await read(at, 2 + length) });
      at += 2 + length;
    }
    return segments;
  } finally {
    await file.close();
  }
}

/**
 * `jpegPath` (a fresh result) made an Ultra HDR file with `gainMap`: the original's ISO 21496-1
 * segment and a new MPF index after its APP segments, the gain map appended after its end. The
 * gain map is turned as the result's pixels were (they are written upright, orientation 1).
 * The photo's XMP (hdrgm:*, the GContainer directory) already came through the encoder.
 */
export async function attachGainMap(jpegPath: string, gainMap: GainMap, orientation: number, scratchPath: string): Promise<void> {
  const image = orientation > 1 && orientation <= 8 ? await uprightGainMap(gainMap.image, orientation) : gainMap.image;
  const segments = await headSegments(jpegPath);
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
  const own: Buffer[] = [];
  for (let at = 2; at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== SOS; at += 2 + jpeg.readUInt16BE(at + 2)) {
    const marker = jpeg[at + 1]!;
    if (marker > 0xe0 && marker <= 0xef) own.push(jpeg.subarray(at, at + 2 + jpeg.readUInt16BE(at + 2)));
  }
  return Buffer.concat([turned.subarray(0, 2), ...own, turned.subarray(2)]);
}

/** What the user is told when the output format has no place for the gain map. */
export function gainMapNote(name: string, format: string): string {
  return `${name} is an HDR photo (a JPEG with a gain map); ${format.toUpperCase()} cannot hold the gain map, so the result is the standard (SDR) picture only. Save as JPEG to keep the HDR.`;
}
