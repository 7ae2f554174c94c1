import { existsSync, rmdirSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import path from 'node:path';
import { toErrorInfo, UnshakeError } from '../errors.js';
import type { WritableFormat } from '../image/formats.js';
import { BATCH_SUBFOLDER } from '../../../electron/common/settings-schema.js';
import { findResult, planBatch, resultFoldersOf, resultListing, type BatchItem } from '../image/batch-results.js';
import { doneMeanwhile } from '../image/done-meanwhile.js';
import { unreadableNote } from '../image/readable-result.js';
import { makeResultsFolder } from '../image/results-folder.js';
import { removeStaleTempFiles } from '../image/stale-temp-files.js';
import { formatBytes } from './args.js';
import { printable } from './terminal-text.js';
import { batchNames } from '../../../electron/common/batch-names.js';
import { doneRecord, failedRecord, stoppedRecord, type FailedRecord, type PhotoRecord } from './deblur-json.js';
import { deblurFile, type DeblurFileOptions } from '../infer/deblur-file.js';
import { getSession } from '../infer/session-manager.js';
import { BASE_MODEL_ALIAS, resolveModel } from '../models/library.js';
import { isStopped, stopAfterFailure } from '../image/result-destination.js';
import { refusedFolders } from './refused-folders.js';
import { EXIT_CODES, STOP_SIGNALS, withInterruptCleanup, writeStderr, type StopSignal } from './interrupt-cleanup.js';

export interface BatchOptions {
  /** Where the results go; absent: next to each original. */
  outDir?: string;
  /** Or a folder of this name beside each original (made when a photo writes into it). */
  subfolder?: string;
  format?: WritableFormat;
  /** Everything else a single deblur takes (model, strength, region, quality, tile size…). */
  deblur: Omit<DeblurFileOptions, 'outPath' | 'outPathIsDefault' | 'format' | 'signal' | 'onOutPath' | 'overwrite'>;
  log: (line: string) => void;
  /** A signal ends the batch (the process exits): each photo's record so far, the one in progress "stopped". Synchronous. */
  onStop?: (photos: PhotoRecord[], signal: StopSignal) => void;
}

export interface BatchSummary {
  done: number;
  failed: number;
  /** Not tried: their results folder could not be written (before the batch, or since a photo of it failed). */
  leftOut: number;
  /** Their result was already there (done by an earlier run), or another run wrote it meanwhile. */
  skipped: number;
  /** Each photo's outcome, in order: what --json prints. */
  photos: PhotoRecord[];
}

/**
 * Deblurs photos one after another. Each result is written atomically under its plain name
 * (photo-unshaken.jpg); a photo whose result is already there is skipped, so running the same
 * command again after a crash or Ctrl-C goes on where it stopped. A photo that fails (damaged,
 * too large) is reported and the others go on; a results folder that cannot be written leaves out
 * its own photos (refusedFolders, stopAfterFailure), and a full disk stops the batch.
 */
export async function deblurBatch(inputs: readonly string[], options: BatchOptions): Promise<BatchSummary> {
  const summary: BatchSummary = { done: 0, failed: 0, leftOut: 0, skipped: 0, photos: [] };
  const where = options.outDir ? { folder: options.outDir } : options.subfolder ? { subfolder: options.subfolder } : {};
  // Named, and found done, with the --suffix results were made with (the app's outputSuffix setting).
  const suffix = options.deblur.suffix === undefined ? {} : { suffix: options.deblur.suffix };
  const items = planBatch(inputs, { ...(options.format ? { format: options.format } : {}), ...suffix, ...where });
  // Names this batch's photos will write: never another photo's result.
  const taken = new Set(items.map((item) => item.output));
  // Each folder listed once for the run (again only where it changed), not once per photo.
  const listing = resultListing();
  /** How a photo's result is looked for: also where a run with another choice put it (next to the photo, in this --subfolder, or in the app's Unshaken folder). */
  const searchOf = ({ input }: BatchItem) => {
    const folders = [...resultFoldersOf(input, BATCH_SUBFOLDER), ...(options.subfolder ? resultFoldersOf(input, options.subfolder) : [])];
    return { ...suffix, ...(options.format ? { format: options.format } : {}), otherFolders: options.outDir ? [] : [...new Set(folders)], othersPlanned: taken, listing };
  };
  const mayMake = options.subfolder !== undefined;
  // A locked card or read-only --out-dir: said once, before any photo is decoded. Why each
  // folder's photos are left out, by folder; one that turns unwritable mid-batch joins it.
  const leftOut = await refusedFolders(items, { mayMake, searchOf, log: options.log });
  const standing = () =>
    `${formatBatchSummary(summary, items.length)} before the stop; run the same command again to finish the rest.`;
  // A run killed mid-write (SIGKILL, a power cut) left full-size temp files: removed now, only
  // those whose process is gone (another batch may be writing into the same folder).
  await reportStaleTempFiles(items.flatMap((item) => [path.dirname(item.output), ...resultFoldersOf(item.input, options.subfolder ?? BATCH_SUBFOLDER)]), options.log);
  // Ctrl-C while a photo is deblurred is withInterruptCleanup's; between two photos, this says where the batch stood.
  let inPhoto = false;
  // --subfolder folders this run made: one no result went into (its photos all failed, or the
  // batch was stopped on its first) is removed; rmdir removes only an empty folder.
  const made = new Set<string>();
  /** Before a signal's exit, which skips every finally: synchronous. */
  const onExit = (signal: StopSignal, stopped?: PhotoRecord) => {
    for (const folder of made) {
      try {
        rmdirSync(folder);
      } catch {
        // Not empty (a result is in it), or gone: left as it is.
      }
    }
    options.onStop?.(stopped ? [...summary.photos, stopped] : summary.photos, signal);
  };
  const betweenPhotos = (signal: StopSignal) => () => {
    if (inPhoto) return;
    writeStderr(`\ninterrupted (${signal}): between two photos, nothing was being written.\n${standing()}\n`);
    try {
      onExit(signal);
    } finally {
      process.exit(EXIT_CODES[signal]);
    }
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, betweenPhotos(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    await runItems();
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
  return summary;

  async function runItems(): Promise<void> {
    try {
      await runEach();
    } finally {
      // rmdir removes only an empty folder: one with a result (or anything else) stays.
      for (const folder of made) await rmdir(folder).catch(() => {});
    }
  }

  async function runEach(): Promise<void> {
    let index = 0;
    // Two photos of one name (IMG_0100.jpg on two cards) are told apart by their folders.
    const names = batchNames(items.map((item) => path.resolve(item.input)));
    for (const item of items) {
      const { input } = item;
      const name = `[${++index}/${items.length}] ${printable(names[index - 1]!)}`;
      const search = searchOf(item);
      const found = await findResult(item, search);
      if ('done' in found) {
        summary.skipped++;
        summary.photos.push({ input: path.resolve(input), status: 'already-done', output: found.done });
        options.log(`${name}: already done (${found.done})`);
        continue;
      }
      for (const file of found.unreadable ?? []) options.log(`${name}: ${unreadableNote(file)}`);
      const outPath = found.output;
      const reason = leftOut.get(path.dirname(outPath));
      if (reason) {
        summary.leftOut++;
        summary.photos.push({ input: path.resolve(input), status: 'left-out', reason });
        continue;
      }
      taken.add(outPath);
      try {
        if (options.subfolder) {
          const folder = path.dirname(outPath);
          // Counted before it is made: a signal handled before mkdir's answer must still find it.
          if (!existsSync(folder)) made.add(folder);
          await makeResultsFolder(folder);
        }
        inPhoto = true;
        const result = await withInterruptCleanup(
          outPath,
          ({ signal }) => deblurFile(input, { ...options.deblur, outPath, format: options.format ?? 'same', overwrite: false, signal, ...liveProgress(name) }),
          { afterStop: standing, onExit: (stop) => onExit(stop.signal, stoppedRecord(input, stop)) },
        ).finally(() => {
          inPhoto = false;
          clearLiveLine();
        });
        summary.done++;
        summary.photos.push(doneRecord(input, result));
        options.log(`${name}: wrote ${result.outPath} in ${result.seconds.toFixed(1)} s`);
        for (const note of result.notes) options.log(`${name}: note: ${note}`);
      } catch (error) {
        // Another run on the same folder wrote it meanwhile: done, not a failure to act on.
        const other = await doneMeanwhile(error, { input, output: outPath }, search);
        if (other) {
          summary.skipped++;
          summary.photos.push({ input: path.resolve(input), status: 'already-done', output: other });
          options.log(`${name}: done by another run (${other})`);
          continue;
        }
        // The model was checked before the first photo: if it fails now, it went or changed meanwhile.
        const gone = modelGone(error, options.deblur.modelId ?? BASE_MODEL_ALIAS, summary, photosLeft(summary, items.length));
        if (gone) throw gone;
        summary.failed++;
        const record = failedRecord(input, error);
        summary.photos.push(record);
        options.log(`${name}: failed [${record.error.code}] ${record.error.message}`);
        // The photos after would fail the same way: all of them on a full disk, else those of
        // a folder that cannot be written now. Say how to finish.
        const stop = await stopAfterFailure(error, outPath, { mayMake });
        if (stop?.scope === 'all') {
          options.log(`batch stopped: the disk is full; free some space and run the same command again to do the ${photosLeft(summary, items.length)} photo(s) left.`);
          break;
        }
        if (stop) {
          const left = 1 + items.slice(index).filter((later) => isStopped(stop, later.output)).length;
          options.log(`${stop.words}: its later photos are left out; once it can be written, run the same command again to do its ${left} photo(s) left.`);
          leftOut.set(stop.folder, `${stop.words}.`);
        }
      }
    }
  }
}

/**
 * The batch's model, found and loaded once before any photo: a model that is not there or cannot
 * be loaded is one error for the whole command, not the same failure for each of 500 photos. The
 * session it makes is the one the photos then run on (same file, providers and threads).
 */
export async function loadBatchModel(deblur: BatchOptions['deblur']): Promise<void> {
  const library = { userModelsDir: deblur.userModelsDir, ...(deblur.bundledDir ? { bundledDir: deblur.bundledDir } : {}) };
  const model = await resolveModel(deblur.modelId ?? BASE_MODEL_ALIAS, library);
  await getSession(model.onnxPath, {
    manifest: model.manifest,
    ...(deblur.preferredProvider ? { preferred: deblur.preferredProvider } : {}),
    ...(deblur.threads ? { threads: deblur.threads } : {}),
  });
}

/** A model that was there when the batch started and is gone or changed now: every photo left would fail alike. */
function modelGone(error: unknown, modelId: string, summary: BatchSummary, left: number): UnshakeError | null {
  const { code, message } = toErrorInfo(error);
  if (code !== 'MODEL_NOT_FOUND' && code !== 'MODEL_INVALID') return null;
  return new UnshakeError(
    code,
    `The model "${modelId}" could no longer be used while the batch ran — removed or changed meanwhile (${message.replace(/\.$/, '')}). ` +
      `${summary.done} photo(s) done, ${left} left: run the same command again to finish them, with --model naming another model if it is gone.`,
    { cause: error },
  );
}

/** Removes the temp files dead runs left in `folders` and says so (a 6 MP photo's are 20–60 MB). */
export async function reportStaleTempFiles(folders: Iterable<string>, log: (line: string) => void): Promise<void> {
  const { files, bytes } = await removeStaleTempFiles(folders);
  if (files.length > 0) log(`removed ${files.length} temporary file(s) (${formatBytes(bytes)}) left by an interrupted run`);
}

/**
 * What running the same command again will do: every photo without a result, so the one that
 * failed on a full disk and any that failed before it count, not only those never tried.
 */
function photosLeft(summary: BatchSummary, total: number): number {
  return total - summary.done - summary.skipped;
}

/**
 * The photos that failed, whole paths and one line each, said once more at the end: in a log of
 * hundreds of lines nobody should have to search for them.
 */
export function formatFailures(summary: BatchSummary): string[] {
  const failed = summary.photos.filter((photo): photo is FailedRecord => photo.status === 'failed');
  if (failed.length === 0) return [];
  return [`failed (${failed.length}):`, ...failed.map(({ input, error }) => `  ${printable(input)}: [${error.code}] ${printable(error.message)}`)];
}

/** The batch's last line, and where it stood at a stop: "batch: 3 done, 1 failed, 0 already done (of 4)". */
export function formatBatchSummary(summary: BatchSummary, total: number): string {
  const leftOut = summary.leftOut > 0 ? `, ${summary.leftOut} left out` : '';
  return `batch: ${summary.done} done, ${summary.failed} failed, ${summary.skipped} already done${leftOut} (of ${total})`;
}

/** On a terminal, one line that follows the photo's tiles (a 40 MP photo takes a minute); in logs, nothing. */
function liveProgress(name: string): Pick<DeblurFileOptions, 'onProgress'> {
  if (!process.stderr.isTTY) return {};
  return { onProgress: ({ tile, tiles }) => process.stderr.write(`\r${name}: tile ${tile}/${tiles} (${Math.round((100 * tile) / tiles)} %)\u001b[K`) };
}

function clearLiveLine(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\u001b[K');
}
