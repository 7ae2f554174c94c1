import { open } from 'node:fs/promises';
import type { Metadata } from 'sharp';

/**
 * A JPEG's marker segments before its first scan, read from the file itself. sharp 0.35 reports
 * no XMP and no IPTC for a JPEG with a gain map (its libuhdr path reads only EXIF and ICC), and the
 * gain map's own segments must be carried by hand: both walk the head here.
 */
export interface JpegSegment {
  marker: number;
  /** Where it starts (its 0xFF). */
  at: number;
  /** Marker, length and payload. */
  bytes: Buffer;
}

const SOI = 0xffd8;
const SOS = 0xda;
/** Standard XMP (XMP part 3, 1.1.3): one APP1 segment, at most 64 KB. */
const XMP_SIGNATURE = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
/** IPTC rides in a Photoshop resource block (iptc.ts reads it). */
const PHOTOSHOP_SIGNATURE = Buffer.from('Photoshop 3.0\0', 'latin1');

type ReadAt = (at: number, length: number) => Promise<Buffer> | Buffer;

/**
 * The segments from SOI to the first scan's header, which ends the list (or to the first byte
 * that is no marker). Fill bytes (0xFF) before a marker are skipped, as the standard allows.
 */
async function walk(size: number, read: ReadAt): Promise<JpegSegment[]> {
  const start = await read(0, 2);
  if (start.length < 2 || start.readUInt16BE(0) !== SOI) return [];
  const segments: JpegSegment[] = [];
  for (let at = 2; at + 4 <= size; ) {
    const head = await read(at, 4);
    if (head.length < 4 || head[0] !== 0xff) break;
    if (head[1] === 0xff) {
      at += 1;
      continue;
    }
    const length = head.readUInt16BE(2);
    if (length < 2) break;
    segments.push({ marker: head[1]!, at, bytes: Buffer.from(await read(at, 2 + length)) });
    if (head[1] === SOS) break;
    at += 2 + length;
  }
  return segments;
}

/** The head segments of the JPEG file at `path`, reading only them. */
export async function readJpegHead(path: string): Promise<JpegSegment[]> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    return await walk(size, async (at, length) => {
      const bytes = Buffer.alloc(Math.max(0, Math.min(length, size - at)));
      await file.read(bytes, 0, bytes.length, at);
      return bytes;
    });
  } finally {
    await file.close();
  }
}

/** The head segments of a JPEG held in memory (a gain map). */
export function jpegHeadOf(jpeg: Buffer): Promise<JpegSegment[]> {
  return walk(jpeg.length, (at, length) => jpeg.subarray(at, at + length));
}

/** Whether `segment` is an APPn `marker` whose payload starts with `signature`. */
export function isSegment(segment: JpegSegment, marker: number, signature: Buffer): boolean {
  return segment.marker === marker && segment.bytes.subarray(4, 4 + signature.length).equals(signature);
}

/** The payload after `signature` of the first such segment (libvips and browsers take the first). */
function firstPayload(segments: readonly JpegSegment[], marker: number, signature: Buffer): Buffer | null {
  return segments.find((s) => isSegment(s, marker, signature))?.bytes.subarray(4 + signature.length) ?? null;
}

/**
 * The XMP packet in a JPEG's head, as libvips gives it for a plain JPEG: the standard packet
 * only, no ExtendedXMP (see decisions.md, 2026-12-07, on gain-map photos' XMP).
 */
export function headXmp(segments: readonly JpegSegment[]): Buffer | null {
  return firstPayload(segments, 0xe1, XMP_SIGNATURE);
}

/** The Photoshop block (signature included, for iptc.ts) in a JPEG's head, as libvips gives it. */
export function headPhotoshop(segments: readonly JpegSegment[]): Buffer | null {
  const payload = firstPayload(segments, 0xed, PHOTOSHOP_SIGNATURE);
  return payload ? Buffer.concat([PHOTOSHOP_SIGNATURE, payload]) : null;
}

/**
 * A JPEG's XMP: sharp's, or, where it reports none (a JPEG with a gain map), the file's own.
 * `meta`: the header sharp read.
 */
export async function jpegXmp(path: string, meta: Pick<Metadata, 'format' | 'xmp'>): Promise<Buffer | null> {
  if (meta.xmp || meta.format !== 'jpeg') return meta.xmp ?? null;
  return headXmp(await readJpegHead(path).catch(() => []));
}
