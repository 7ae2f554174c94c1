import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { isOutputName, plainOutputPath } from './output-path.js';

/** File name extensions a folder is scanned for (what the app opens). */
const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.tif', '.tiff', '.webp', '.gif', '.heic', '.heif', '.avif']);

/**
 * The photos named by paths for a batch: files as given, folders scanned (not their subfolders)
 * for photo files in name order, leaving out our own results (photo-unshaken.jpg) and hidden
 * files. A file that is not a photo after all fails on its own when it is deblurred.
 */
export async function photoFilesIn(paths: readonly string[]): Promise<string[]> {
  const photos: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(given);
    const info = await stat(absolute).catch(() => null);
    if (!info?.isDirectory()) {
      photos.push(absolute);
      continue;
    }
    const names = (await readdir(absolute, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && PHOTO_EXTENSIONS.has(path.extname(e.name).toLowerCase()) && !isOutputName(e.name))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
    if (names.length === 0) throw new UnshakeError('FILE_NOT_FOUND', `${absolute} holds no photos (JPEG, PNG, TIFF, WebP, HEIF or GIF files).`);
    photos.push(...names.map((name) => path.join(absolute, name)));
  }
  return photos;
}

export interface BatchItem {
  input: string;
  /** Where its result goes: the plain name (photo-unshaken.jpg), so a rerun knows it is done. */
  output: string;
}

/**
 * Each photo's result path: `ext` (with dot) replaces the extension when saving in another
 * format, `folder` puts every result there instead of next to its original. Two photos with one
 * result path (a.jpg from two folders into one output folder) are refused: the second would be
 * taken for done.
 */
export function planBatch(inputs: readonly string[], options: { ext?: string; folder?: string } = {}): BatchItem[] {
  const byOutput = new Map<string, string>();
  for (const input of inputs) {
    const output = plainOutputPath(input, options);
    const clash = byOutput.get(output);
    if (clash) throw new UnshakeError('INVALID_REQUEST', `${input} and ${clash} would both be saved as ${output}: give them separate output folders.`);
    byOutput.set(output, input);
  }
  return [...byOutput].map(([output, input]) => ({ input, output }));
}
