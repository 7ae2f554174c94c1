import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { withEndMarkerRepair } from '../../image/jpeg-end-marker.js';
import { CAMERA_FILES } from '../../image/probe.js';
import { UnshakeError } from '../../errors.js';
import { photoTypeOf, photoTypesInWords, TRAINING_PHOTO_TYPES } from '../../../../electron/common/photo-types.js';
import { Rng } from '../random.js';
import { throwIfStopped } from '../train-stop.js';

/**
 * Finds the usable photos in a folder of sharp-only photos (synthetic shake is added later).
 * Each file is checked before training starts and every rejected file gets a reason the user
 * can act on: empty, unreadable or truncated, too small for a crop plus the largest blur
 * kernel, or a byte-identical duplicate. Sizes are upright (EXIF orientation applied).
 */
export interface SharpPhoto {
  /** File name inside the folder (unique, stable across runs: checkpoints store it). */
  name: string;
  file: string;
  /** Upright size in pixels. */
  width: number;
  height: number;
}

export interface RejectedPhoto {
  name: string;
  file: string;
  reason: string;
}

export interface SharpFolderReport {
  folder: string;
  valid: SharpPhoto[];
  rejected: RejectedPhoto[];
}

/** Why a file is not read as a photo for training (by its name), or null when it is. */
function notATrainingPhoto(name: string): string | null {
  const type = photoTypeOf(name);
  if (type === undefined) return `not a photo (expected ${photoTypesInWords(TRAINING_PHOTO_TYPES)} files)`;
  return type.notForTraining ?? null;
}

async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Upright size of a readable photo, or the reason it cannot be used. */
async function check(file: string, minSize: number): Promise<{ width: number; height: number } | string> {
  let width: number;
  let height: number;
  try {
    const meta = await sharp(file).metadata();
    if (!meta.width || !meta.height) return 'unreadable: no image dimensions';
    const swap = (meta.orientation ?? 1) >= 5; // EXIF orientations 5–8 turn the image by 90°
    [width, height] = swap ? [meta.height, meta.width] : [meta.width, meta.height];
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
  if (width < minSize || height < minSize) return `too small: ${width}×${height}, needs at least ${minSize}×${minSize} px`;
  try {
    // Decode every pixel (shrunk on load): headers of truncated files read fine, pixels do not.
    await withEndMarkerRepair(file, CAMERA_FILES, (image) => image.rotate().resize({ width: 64, height: 64, fit: 'inside' }).raw().toBuffer());
  } catch (error) {
    return `damaged or truncated: ${(error as Error).message}`;
  }
  return { width, height };
}

/** Whether a photo of the folder can be used: its upright size, or why not. */
async function checkPhoto(file: string, minSize: number, seen: Map<string, string>): Promise<{ width: number; height: number } | string> {
  if ((await stat(file)).size === 0) return 'empty file (0 bytes)';
  const hash = await fileHash(file);
  const twin = seen.get(hash);
  if (twin) return `duplicate of ${twin}`;
  const result = await check(file, minSize);
  if (typeof result !== 'string') seen.set(hash, path.basename(file)); // only usable photos count as originals
  return result;
}

/**
 * `minSize`: the crop plus the largest kernel's margin. Files are checked one at a time, so
 * memory stays bounded for folders of large photos; sub-folders and hidden files are skipped.
 * `onProgress(checked, total)` counts the photos (files named as one) as the pair check counts
 * its pairs: once before the first and after each.
 */
export async function validateSharpFolder(
  folder: string,
  options: { minSize: number },
  onProgress?: (checked: number, total: number) => void,
  signal?: AbortSignal,
): Promise<SharpFolderReport> {
  const dir = path.resolve(folder);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new UnshakeError('FILE_NOT_FOUND', `The sharp-photos folder ${folder} does not exist or is not a folder.`);
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const total = entries.filter((name) => notATrainingPhoto(name) === null).length;
  const seen = new Map<string, string>();
  const valid: SharpPhoto[] = [];
  const rejected: RejectedPhoto[] = [];
  let checked = 0;
  onProgress?.(0, total);
  for (const name of entries) {
    const file = path.join(dir, name);
    const notAPhoto = notATrainingPhoto(name);
    if (notAPhoto !== null) {
      rejected.push({ name, file, reason: notAPhoto });
      continue;
    }
    throwIfStopped(signal);
    const result = await checkPhoto(file, options.minSize, seen);
    if (typeof result === 'string') rejected.push({ name, file, reason: result });
    else valid.push({ name, file, ...result });
    onProgress?.(++checked, total);
  }
  return { folder: dir, valid, rejected };
}

export interface PhotoSplit {
  train: SharpPhoto[];
  validation: SharpPhoto[];
  note: string | null;
}

/** Seeded split with at least one held-out photo. A single photo is used for both (said so). */
export function splitSharpPhotos(valid: readonly SharpPhoto[], fraction = 0.2, seed = 1): PhotoSplit {
  if (valid.length === 0) {
    throw new UnshakeError('INVALID_REQUEST', 'No usable sharp photos: every file was rejected or the folder has none (see the report above).');
  }
  if (valid.length === 1) {
    return { train: [...valid], validation: [...valid], note: 'Only one usable photo: it is used both for training and to measure progress.' };
  }
  const shuffled = new Rng(seed).shuffle(valid);
  const n = Math.min(valid.length - 1, Math.max(1, Math.round(valid.length * fraction)));
  return { train: shuffled.slice(n), validation: shuffled.slice(0, n), note: null };
}
