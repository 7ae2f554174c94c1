import { statfs } from 'node:fs/promises';
import type { MetadataSummary } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { isDiskFull } from '../../../model/src/image/disk-full.js';

/** The result's metadata besides its pixels: an ICC profile, EXIF (at most 64 KB from a JPEG), XMP. */
export const METADATA_MARGIN = 1024 ** 2;

type ResultShape = Pick<MetadataSummary, 'width' | 'height' | 'channels' | 'hasAlpha' | 'bitDepth'>;
type Photo = ResultShape & Pick<MetadataSummary, 'orientation' | 'camera' | 'lens' | 'exposure' | 'takenAt'>;

/**
 * The most the editor's result (a PNG in the photo's own depth, deblur-handlers.ts) can take: an
 * estimate, for pixels deflate cannot shrink at all. Every sample stored (grey or RGB, as CMYK and
 * Lab are written as RGB, plus alpha; 16 bits for 16- and 32-bit photos) with a filter byte per
 * row; 5 bytes per stored deflate block (zlib's follow its 16 KB buffer) and 12 per IDAT chunk
 * (libpng's hold 8 KB); 1 KB for the PNG's signature, header and end chunks; and METADATA_MARGIN.
 */
export function resultWorstCaseBytes({ width, height, channels, hasAlpha, bitDepth }: ResultShape): number {
  const colour = channels - (hasAlpha ? 1 : 0);
  const samples = (colour <= 1 ? 1 : 3) + (hasAlpha ? 1 : 0);
  const raw = (width * samples * (bitDepth === 8 ? 1 : 2) + 1) * height;
  return raw + Math.ceil(raw / 16_384) * 5 + Math.ceil(raw / 8192) * 12 + 1024 + METADATA_MARGIN;
}

/**
 * What the result's write takes at its peak: a photo's EXIF is added to the PNG libvips wrote by
 * rewriting it into a copy beside it (png-chunks.ts), so two files at once. EXIF is known here
 * only by what the side panel reads of it; one without those tags and upright is missed, and the
 * write's own disk-full error says it then.
 */
export function resultPeakBytes(photo: Photo): number {
  const carriesExif = photo.orientation !== 1 || [photo.camera, photo.lens, photo.exposure, photo.takenAt].some((tag) => tag !== null);
  return resultWorstCaseBytes(photo) * (carriesExif ? 2 : 1);
}

/** Free bytes for an unprivileged writer on the disk holding `folder`; null where it cannot be asked. */
async function freeBytes(folder: string): Promise<number | null> {
  const found = await statfs(folder).catch(() => null);
  return found ? found.bavail * found.bsize : null;
}

function megabytes(bytes: number): string {
  if (bytes < 0.05e6) return 'less than 0.1 MB';
  return `${(bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0)} MB`;
}

const START = 'Unshake keeps each result until you save it, on the disk that holds its data';
const FIX = 'Free some space on that disk and deblur again.';

/** In the editor's terms: the results folder is Unshake's own, so its path means nothing to the user. */
function noRoom(userDataDir: string, free: number, needed: number, cause?: unknown): UnshakeError {
  // Free beyond the estimate when the write failed (it was low, or the disk filled and emptied meanwhile): no numbers that disagree.
  const room = free < needed ? `which has ${megabytes(free)} free; this photo needs about ${megabytes(needed)}` : "which ran out of room for this photo's result";
  return new UnshakeError('WRITE_FAILED', `${START} (${userDataDir}), ${room}. ${FIX}`, cause === undefined ? {} : { cause });
}

export interface ResultDisk {
  /** Where results are written (userData/results). */
  resultsDir: string;
  /** Named in the message: the user's way to find the disk. */
  userDataDir: string;
}

/**
 * Refuses a deblur whose result may not fit, before the engine decodes the photo or runs a tile:
 * a full disk was otherwise found only when the result was written, after the whole deblur.
 */
export async function requireResultSpace(disk: ResultDisk, photo: Photo): Promise<void> {
  const needed = resultPeakBytes(photo);
  const free = await freeBytes(disk.resultsDir);
  if (free !== null && free < needed) throw noRoom(disk.userDataDir, free, needed);
}

/** A result the full disk failed at its write (the disk filled meanwhile), in the same words; other errors as they are. */
export async function inResultDiskTerms(error: unknown, disk: ResultDisk, photo: Photo): Promise<unknown> {
  if (!isDiskFull(error)) return error;
  return noRoom(disk.userDataDir, (await freeBytes(disk.resultsDir)) ?? 0, resultPeakBytes(photo), error);
}
