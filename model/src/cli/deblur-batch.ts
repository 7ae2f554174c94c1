import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError, toErrorInfo } from '../errors.js';
import { extensionFor, type WritableFormat } from '../image/formats.js';
import { isOutputName, plainOutputPath } from '../image/output-path.js';
import { deblurFile, type DeblurFileOptions } from '../infer/deblur-file.js';
import { withInterruptCleanup } from './interrupt-cleanup.js';

/** File name extensions a folder is scanned for (what the app opens). */
const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.tif', '.tiff', '.webp', '.gif', '.heic', '.heif', '.avif']);

export interface BatchOptions {
  /** Where the results go; absent: next to each original. */
  outDir?: string;
  format?: WritableFormat;
  /** Everything else a single deblur takes (model, strength, region, quality, tile size…). */
  deblur: Omit<DeblurFileOptions, 'outPath' | 'outPathIsDefault' | 'format' | 'signal' | 'onOutPath' | 'overwrite'>;
  log: (line: string) => void;
}

export interface BatchSummary {
  done: number;
  failed: number;
  /** Their result was already there: done by an earlier run. */
  skipped: number;
}

/**
 * The photos named by the arguments: files as given, folders scanned (not their subfolders) for
 * photo files in name order, leaving out our own results (photo-unshaken.jpg) and hidden files.
 */
export async function batchInputs(args: readonly string[]): Promise<string[]> {
  const inputs: string[] = [];
  for (const arg of args) {
    const absolute = path.resolve(arg);
    const info = await stat(absolute).catch(() => null);
    if (!info?.isDirectory()) {
      inputs.push(absolute);
      continue;
    }
    const names = (await readdir(absolute, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.') && PHOTO_EXTENSIONS.has(path.extname(e.name).toLowerCase()) && !isOutputName(e.name))
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
    if (names.length === 0) throw new UnshakeError('FILE_NOT_FOUND', `${absolute} holds no photos (JPEG, PNG, TIFF, WebP, HEIF or GIF files).`);
    inputs.push(...names.map((name) => path.join(absolute, name)));
  }
  return inputs;
}

/**
 * Deblurs photos one after another. Each result is written atomically under its plain name
 * (photo-unshaken.jpg); a photo whose result is already there is skipped, so running the same
 * command again after a crash or Ctrl-C goes on where it stopped. A photo that fails (damaged,
 * too large, unwritable result) is reported and the others go on.
 */
export async function deblurBatch(inputs: readonly string[], options: BatchOptions): Promise<BatchSummary> {
  const summary: BatchSummary = { done: 0, failed: 0, skipped: 0 };
  const ext = options.format ? extensionFor(options.format) : undefined;
  const outputs = new Map<string, string>();
  for (const input of inputs) {
    const outPath = plainOutputPath(input, { ext, ...(options.outDir ? { folder: options.outDir } : {}) });
    // Two inputs with one result name (a.jpg in two folders, into one --out-dir): the second would be skipped as done.
    const clash = outputs.get(outPath);
    if (clash) throw new UnshakeError('INVALID_REQUEST', `${input} and ${clash} would both be saved as ${outPath}: give them separate output folders.`);
    outputs.set(outPath, input);
  }
  let index = 0;
  for (const [outPath, input] of outputs) {
    const name = `[${++index}/${outputs.size}] ${path.basename(input)}`;
    if (await stat(outPath).then(() => true, () => false)) {
      summary.skipped++;
      options.log(`${name}: already done (${outPath})`);
      continue;
    }
    try {
      const result = await withInterruptCleanup(outPath, ({ signal }) =>
        deblurFile(input, { ...options.deblur, outPath, format: options.format ?? 'same', overwrite: false, signal }),
      );
      summary.done++;
      options.log(`${name}: wrote ${result.outPath} in ${result.seconds.toFixed(1)} s`);
    } catch (error) {
      summary.failed++;
      const { code, message } = toErrorInfo(error);
      options.log(`${name}: failed [${code}] ${message}`);
    }
  }
  return summary;
}
