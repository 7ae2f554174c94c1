import { readHead, rewriteFile } from './file-rewrite.js';
import { photoshopIptcBlock } from './iptc.js';

/**
 * Marker segments added to a JPEG after libvips wrote it. libvips hands EXIF to libexif, which
 * rewrites the block: it drops IFD0 tags it does not know (Rating, ProcessingSoftware), empties
 * MakerNotes it cannot parse (Pentax) and moves others without fixing their offsets (Sony), so
 * the source's own EXIF bytes are inserted here instead, exactly as they were.
 */

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
/** A segment's length field counts itself (2 bytes) and the payload, at most 65535. */
const MAX_SEGMENT_PAYLOAD = 65535 - 2;

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** The APP1 segment for a bare EXIF block, or null if it is too big for one segment. */
export function exifSegment(block: Buffer): Buffer | null {
  return block.length + EXIF_HEADER.length > MAX_SEGMENT_PAYLOAD ? null : segment(0xe1, Buffer.concat([EXIF_HEADER, block]));
}

/** The APP13 segment for IPTC datasets (iptc.ts), or null if they are too big for one segment. */
export function iptcSegment(datasets: Buffer): Buffer | null {
  const payload = photoshopIptcBlock(datasets);
  return payload.length > MAX_SEGMENT_PAYLOAD ? null : segment(0xed, payload);
}

/** A JFIF APP0 segment stating a print resolution in pixels per inch (JFIF's 16-bit densities). */
function jfifSegment(pixelsPerInch: number): Buffer {
  const density = Math.min(0xffff, Math.max(1, Math.round(pixelsPerInch)));
  const payload = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, density >> 8, density & 0xff, density >> 8, density & 0xff, 0, 0]);
  return segment(0xe0, payload);
}

/**
 * `jpegPath` rewritten with `segments` right after SOI and a JFIF APP0 (where EXIF belongs),
 * streamed through `scratchPath` (a temp name beside it), which is renamed over it. With
 * `jfifDensity`, the print resolution is also stated in JFIF (a new APP0 where there is none):
 * for an EXIF block that does not state one, which libvips would otherwise have written in.
 */
export async function insertJpegSegments(jpegPath: string, segments: readonly Buffer[], scratchPath: string, jfifDensity?: number): Promise<void> {
  const head = await readHead(jpegPath, 6);
  if (head.length < 6 || head.readUInt16BE(0) !== 0xffd8) throw new Error(`${jpegPath} is not a JPEG`);
  const hasApp0 = head.readUInt16BE(2) === 0xffe0;
  const at = hasApp0 ? 4 + head.readUInt16BE(4) : 2;
  const jfif = jfifDensity !== undefined && !hasApp0 ? [jfifSegment(jfifDensity)] : [];
  await rewriteFile(jpegPath, scratchPath, [{ from: 0, to: at }, ...jfif, ...segments, { from: at }]);
}
