import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DEFAULT_OUTPUT_SUFFIX } from '../../../electron/common/settings-schema.js';
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
export function defaultOutputPath(sourcePath: string, suffix = DEFAULT_OUTPUT_SUFFIX, ext?: string): string {
  const absolute = resolve(sourcePath);
  const named = outputNamer(absolute, suffix, ext, dirname(absolute));
  let candidate = named('');
  for (let n = 2; existsSync(candidate) || candidate === absolute; n++) candidate = named(`-${n}`);
  return candidate;
}

/**
 * The output name without a counter (photo-unshaken.jpg), in `folder` (default: the original's):
 * what a batch writes, so running it again knows which photos are done.
 */
export function plainOutputPath(sourcePath: string, options: { suffix?: string; ext?: string; folder?: string; counter?: number } = {}): string {
  const absolute = resolve(sourcePath);
  const named = outputNamer(absolute, options.suffix ?? DEFAULT_OUTPUT_SUFFIX, options.ext, options.folder ? resolve(options.folder) : dirname(absolute));
  return named(options.counter ? `-${options.counter}` : '');
}

/** Whether a file name is one of our outputs (photo-unshaken.jpg, photo-unshaken-2.jpg): never an input. */
export function isOutputName(fileName: string, suffix = DEFAULT_OUTPUT_SUFFIX): boolean {
  return sourceStemOf(fileName, suffix) !== null;
}

/** The name (no extension) of the photo an output name was made from (photo-unshaken-2.jpg → photo), or null. */
export function sourceStemOf(fileName: string, suffix = DEFAULT_OUTPUT_SUFFIX): string | null {
  const stem = basename(fileName, extname(fileName));
  const tail = new RegExp(`${suffix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-\\d+)?$`).exec(stem);
  return tail ? stem.slice(0, tail.index) : null;
}

/** Names an output for a tail ('' or '-2'); `ext` ('png' or '.png') replaces the original extension. */
function outputNamer(absolute: string, suffix: string, ext: string | undefined, folder: string): (tail: string) => string {
  const originalExt = extname(absolute);
  // A source we cannot write (photo.gif, photo.heic) gets '.png', as encodeImage's 'same' writes it.
  const sameExt = formatFromPath(absolute) ? originalExt : '.png';
  const extension = ext === undefined ? sameExt : ext.startsWith('.') ? ext : `.${ext}`;
  const name = basename(absolute, originalExt);
  // File systems cap a name at 255 bytes: a long original's name is shortened (whole characters)
  // so the suffix, a counter and the extension still fit, instead of failing after the deblur.
  return (tail) => join(folder, shortened(name, MAX_NAME_BYTES - Buffer.byteLength(suffix + tail + extension)) + suffix + tail + extension);
}

const MAX_NAME_BYTES = 255;

function shortened(name: string, maxBytes: number): string {
  let chars = Array.from(name);
  while (chars.length > 1 && Buffer.byteLength(chars.join('')) > maxBytes) chars = chars.slice(0, -1);
  return chars.join('');
}
