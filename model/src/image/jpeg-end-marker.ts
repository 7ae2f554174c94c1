import { readFile } from 'node:fs/promises';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { jpegHeadOf } from './jpeg-head.js';

/**
 * A JPEG that lacks only its end-of-image marker (FF D9): some cameras, phones and copy tools
 * leave it off, and every mainstream viewer shows such a file whole. libjpeg calls it a
 * "premature end", the same words as a file cut off mid-picture, so the two are told apart
 * here before the file is read again with the marker put back.
 */

const EOI = Buffer.from([0xff, 0xd9]);

/** Sequential (non-progressive, non-hierarchical) Huffman frames: one scan can hold the whole picture. */
const SEQUENTIAL_FRAMES = new Set([0xc0, 0xc1]);

/**
 * True for a sequential JPEG whose single scan carries every component and whose entropy data
 * runs to the end of the file with no marker but restart markers: nothing follows the picture.
 * A progressive file cut between scans would read as a coarser picture with no warning, so only
 * sequential files qualify; a picture cut mid-scan is caught by the strict re-read.
 */
export async function lacksOnlyEndMarker(bytes: Buffer): Promise<boolean> {
  const head = await jpegHeadOf(bytes);
  const frame = head.find((s) => s.marker >= 0xc0 && s.marker <= 0xcf && s.marker !== 0xc4 && s.marker !== 0xc8 && s.marker !== 0xcc);
  const scan = head.at(-1);
  if (!frame || !SEQUENTIAL_FRAMES.has(frame.marker) || frame.bytes.length < 10 || scan?.marker !== 0xda || scan.bytes.length < 5) return false;
  // Components: the frame's at byte 9 of its segment, the scan's at byte 4.
  return scan.bytes[4] === frame.bytes[9] && frame.bytes[9]! > 0 && onlyRestartMarkers(bytes, scan.at + scan.bytes.length);
}

/** Entropy-coded data from `from` to the end holds no marker but stuffed bytes (FF 00) and RST0–7. */
function onlyRestartMarkers(bytes: Buffer, from: number): boolean {
  for (let at = bytes.indexOf(0xff, from); at !== -1 && at + 1 < bytes.length; at = bytes.indexOf(0xff, at + 1)) {
    const next = bytes[at + 1]!;
    if (next !== 0x00 && next !== 0xff && (next < 0xd0 || next > 0xd7)) return false;
  }
  return true;
}

function isPrematureEnd(error: unknown): boolean {
  return error instanceof Error && /premature end of JPEG/i.test(error.message);
}

/**
 * `run` over sharp on the file at `path` with `options`. Where that fails because a JPEG ends
 * early and the file lacks only its end marker, `run` goes again on the file's bytes with the
 * marker appended, failing on any libjpeg warning so that a picture cut mid-scan is still
 * refused. Every other failure, and a repair that does not decode cleanly, rethrows the first error.
 */
export async function withEndMarkerRepair<T>(path: string, options: SharpOptions, run: (image: Sharp) => Promise<T>): Promise<T> {
  try {
    return await run(sharp(path, options));
  } catch (error) {
    if (!isPrematureEnd(error)) throw error;
    const bytes = await readFile(path).catch(() => null);
    if (!bytes || !(await lacksOnlyEndMarker(bytes))) throw error;
    try {
      return await run(sharp(Buffer.concat([bytes, EOI]), { ...options, failOn: 'warning' }));
    } catch {
      throw error;
    }
  }
}
