import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { formatFromPath } from './formats.js';

/**
 * A free output path next to the original: photo.jpg → photo-unshaken.jpg, then
 * photo-unshaken-2.jpg, -3, ... when taken. `ext` ('png' or '.png') replaces the original
 * extension, e.g. when saving in another format. Without `ext`, a source we cannot write
 * (photo.gif, photo.heic) gets '.png', matching what encodeImage's format 'same' writes for
 * it. Synchronous on purpose: a few stat calls,
 * and callers (CLI, save handler) can use it inline. The choice is a suggestion: encodeImage
 * still refuses to replace an existing file unless told to.
 */
export function defaultOutputPath(sourcePath: string, suffix = '-unshaken', ext?: string): string {
  const absolute = resolve(sourcePath);
  const originalExt = extname(absolute);
  const sameExt = formatFromPath(absolute) ? originalExt : '.png';
  const extension = ext === undefined ? sameExt : ext.startsWith('.') ? ext : `.${ext}`;
  const stem = join(dirname(absolute), basename(absolute, originalExt) + suffix);
  let candidate = stem + extension;
  for (let n = 2; existsSync(candidate) || candidate === absolute; n++) {
    candidate = `${stem}-${n}${extension}`;
  }
  return candidate;
}
