import { readFile } from 'node:fs/promises';
import sharp, { type Sharp, type SharpOptions } from 'sharp';

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
export function lacksOnlyEndMarker(bytes: Buffer): boolean {
  if (bytes.length < 4 || bytes.readUInt16BE(0) !== 0xffd8) return false;
  let frameComponents = 0;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return false;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte before a marker
      continue;
    }
    const length = bytes.readUInt16BE(pos + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (!SEQUENTIAL_FRAMES.has(marker) || pos + 10 > bytes.length) return false;
      frameComponents = bytes[pos + 9]!;
    }
    if (marker === 0xda) {
      const scanComponents = bytes[pos + 4];
      return frameComponents > 0 && scanComponents === frameComponents && onlyRestartMarkers(bytes, pos + 2 + length);
    }
    pos += 2 + length;
  }
  return false;
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
    if (!bytes || !lacksOnlyEndMarker(bytes)) throw error;
    try {
      return await run(sharp(Buffer.concat([bytes, EOI]), { ...options, failOn: 'warning' }));
    } catch {
      throw error;
    }
  }
}
