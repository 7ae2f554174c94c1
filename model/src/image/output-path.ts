import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { resultExtension } from '../../../electron/common/result-name.js';
import { DEFAULT_OUTPUT_SUFFIX } from '../../../electron/common/settings-schema.js';
import type { WritableFormat } from './formats.js';

/**
 * A free output path next to the original: photo.jpg → photo-unshaken.jpg, then
 * photo-unshaken-2.jpg, -3, ... when taken. `format` is the type the result is written in
 * (absent: the photo's own, PNG for one we cannot write, as encodeImage's 'same'); its extension
 * follows resultExtension's rule (IMG_1.JPG as JPEG stays .JPG). A name that differs from a file
 * there only in case is taken too: a batch of an older version wrote "A-unshaken.jpg" for
 * A.JPG, and the two would be one file on a Mac, Windows or a memory card. Synchronous on purpose:
 * a few stat calls, and callers (CLI, save handler) can use it inline. The choice is a
 * suggestion: encodeImage still refuses to replace an existing file unless told to.
 */
export function defaultOutputPath(sourcePath: string, suffix = DEFAULT_OUTPUT_SUFFIX, format?: WritableFormat): string {
  const absolute = resolve(sourcePath);
  const folder = dirname(absolute);
  const named = outputNamer(absolute, suffix, resultExtension(extname(absolute), format), folder);
  const there = namesInFolder(folder);
  const taken = (candidate: string) => existsSync(candidate) || there.has(basename(candidate).toLowerCase());
  let candidate = named('');
  for (let n = 2; taken(candidate) || candidate === absolute; n++) candidate = named(`-${n}`);
  return candidate;
}

/** The names in a folder, lower case (none when it cannot be read: existsSync still guards). */
function namesInFolder(folder: string): Set<string> {
  try {
    return new Set(readdirSync(folder).map((name) => name.toLowerCase()));
  } catch {
    return new Set();
  }
}

/**
 * The output name without a counter (photo-unshaken.jpg), in `folder` (default: the original's):
 * what a batch writes, so running it again knows which photos are done. `format` as for
 * defaultOutputPath; `extension` instead names one exactly (".jpg"), to look for the names older
 * versions wrote.
 */
export function plainOutputPath(
  sourcePath: string,
  options: { suffix?: string; format?: WritableFormat; extension?: string; folder?: string; counter?: number } = {},
): string {
  const absolute = resolve(sourcePath);
  const extension = options.extension ?? resultExtension(extname(absolute), options.format);
  const named = outputNamer(absolute, options.suffix ?? DEFAULT_OUTPUT_SUFFIX, extension, options.folder ? resolve(options.folder) : dirname(absolute));
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

/**
 * Whether `fileName` is an output name made from one of the photos named (without extension) in
 * `stems`: photo-unshaken.jpg, photo-unshaken-2.jpg, and a long photo's, whose name the namer
 * shortened to fit 255 bytes (Lxxx…x-unshaken.jpg is not "Lxxx…x"'s by its name alone).
 */
export function isOutputNameOfAny(fileName: string, stems: ReadonlySet<string>, suffix = DEFAULT_OUTPUT_SUFFIX): boolean {
  const stem = sourceStemOf(fileName, suffix);
  if (stem === null) return false;
  if (stems.has(stem)) return true;
  const name = basename(fileName);
  // Cutting drops whole characters of up to 4 bytes: only a name this long can have been cut, so
  // a folder of ordinary names is not compared photo by photo.
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES - 4) return false;
  const rest = name.slice(stem.length);
  // Names of results aside: a cut result's own name, cut again, gives itself.
  const mayBeCut = (photo: string) => photo.length > stem.length && photo.startsWith(stem) && sourceStemOf(`${photo}.x`, suffix) === null;
  for (const photo of stems) if (mayBeCut(photo) && fittedName(photo, rest) === name) return true;
  return false;
}

/** Names an output for a tail ('' or '-2') with `extension` in place of the original's. */
function outputNamer(absolute: string, suffix: string, extension: string, folder: string): (tail: string) => string {
  const name = basename(absolute, extname(absolute));
  return (tail) => join(folder, fittedName(name, suffix + tail + extension));
}

/**
 * `stem` + `rest` (suffix, counter, extension). File systems cap a name at 255 bytes: a long
 * original's name is shortened (whole characters) so the rest still fits, instead of failing
 * after the deblur.
 */
function fittedName(stem: string, rest: string): string {
  return shortened(stem, MAX_NAME_BYTES - Buffer.byteLength(rest)) + rest;
}

const MAX_NAME_BYTES = 255;

function shortened(name: string, maxBytes: number): string {
  let chars = Array.from(name);
  while (chars.length > 1 && Buffer.byteLength(chars.join('')) > maxBytes) chars = chars.slice(0, -1);
  return chars.join('');
}
