import { stat } from 'node:fs/promises';
import path from 'node:path';
import { resultExtension } from '../../../electron/common/result-name.js';
import { extensionFor, WRITABLE_FORMATS, type WritableFormat } from './formats.js';
import { plainOutputPath } from './output-path.js';
import { pixelFingerprint } from './pixel-fingerprint.js';
import { resultSources, sourceFingerprint, type ResultSource } from './provenance.js';
import { readableResult } from './readable-result.js';
import { ResultListing } from './result-listing.js';

/**
 * Where a batch's results go (planBatch) and whether an earlier run wrote one already
 * (findResult); which files are the batch's photos is photo-files.ts's part.
 */

/** One photo of a batch and the name its result is planned under. */
export interface BatchItem {
  input: string;
  /** Where its result goes: the plain name (photo-unshaken.jpg), so a rerun knows it is done. */
  output: string;
}

/**
 * Each photo's result path, named as Save names it (output-path.ts): `format` is the type results
 * are written in (absent: each photo's own), `folder` puts every result there instead of next to
 * its original, `subfolder` in a folder of that name beside each original (never scanned as
 * photos: subfolders are not). Two photos with one result name (a.gif and a.png both give
 * a-unshaken.png; a.jpg from two folders into one output folder; A.JPG and A.png as JPEG give
 * A-unshaken.JPG and A-unshaken.jpg, one file on a Mac) number the later ones -2, -3 in input
 * order, which a rerun of the same batch repeats.
 */
export function planBatch(
  inputs: readonly string[],
  options: { format?: WritableFormat; suffix?: string; folder?: string; subfolder?: string; taken?: Iterable<string> } = {},
): BatchItem[] {
  // `taken`: results that photos still queued will write (a batch dropped again meanwhile).
  // Compared without case: names that differ only in it are one file on most disks.
  const taken = new Set<string>([...(options.taken ?? [])].map((name) => name.toLowerCase()));
  return inputs.map((input) => {
    const { subfolder, taken: _reserved, ...naming } = options;
    const where = subfolder ? { ...naming, folder: path.join(path.dirname(path.resolve(input)), subfolder) } : naming;
    let output = plainOutputPath(input, where);
    for (let n = 2; taken.has(output.toLowerCase()); n++) output = plainOutputPath(input, { ...where, counter: n });
    taken.add(output.toLowerCase());
    return { input, output };
  });
}

/** How findResult names and finds results: as planBatch named them, and where else they may be. */
export interface ResultSearch {
  suffix?: string;
  /** The output format; absent: the photo's own, as planBatch. */
  format?: WritableFormat;
  /** Where the other "Batch results" choice put results. */
  otherFolders?: readonly string[];
  /** Names other photos of the batch, or batches still queued, will write. */
  othersPlanned?: ReadonlySet<string>;
  /** The batch's folder listings, made once (resultListing); absent: this call lists its own. */
  listing?: ResultListing;
}

/** One listing for a whole batch's findResult calls: each folder read and indexed once. */
export function resultListing(): ResultListing {
  return new ResultListing();
}

/**
 * A photo's result from an earlier run of this batch (`done`), or where to write it (`output`).
 * Looked for under the photo's result name and each numbered form in the folder (-2, -3: the name
 * was another photo's; gaps before it too, as a failed or deleted result leaves), in every writable format and the photo's own extension (the output format setting
 * changed since), under each format's standard extension too (what earlier versions
 * named a JPEG result of IMG_1.JPG: IMG_1-unshaken.jpg), in the planned
 * folder and `otherFolders`. A result says which photo it is of (provenance.ts), by the photo's
 * bytes and by its pixels (so a photo rated or keyworded since is still this one): another photo's
 * is passed over, and the photo goes under the first free number. A file that says nothing (an
 * older result, a Save of an older version) counts under the plain name only, as before.
 */
export async function findResult(item: BatchItem, search: ResultSearch = {}): Promise<{ done: string } | { output: string; unreadable?: string[] }> {
  /** Files under a result's name that are no image (empty, cut short): passed over, left alone, named. */
  const unreadable: string[] = [];
  const othersPlanned = search.othersPlanned ?? new Set<string>();
  const isFile = (file: string) => stat(file).then((s) => s.isFile(), () => false);
  let ours: string | null | undefined;
  const fingerprint = async () => (ours === undefined ? (ours = await sourceFingerprint(item.input).catch(() => null)) : ours);
  let ourPixels: string | null | undefined;
  const pixels = async () => (ourPixels === undefined ? (ourPixels = await pixelFingerprint(item.input).catch(() => null)) : ourPixels);
  // The quick fingerprint first; the pixels (a full decode) only where the bytes differ: the photo
  // rated or keyworded since, its XMP rewritten, or another photo of that name.
  const isOfThisPhoto = async (source: ResultSource) => source.fingerprint === (await fingerprint()) || (source.pixels !== null && source.pixels === (await pixels()));
  const plannedFolder = path.dirname(item.output);
  /** The name a result of this photo has in `folder` with `extension`, numbered `counter` (0: none); shortened as planBatch's. */
  const nameOf = (folder: string, extension: string, counter: number) =>
    plainOutputPath(item.input, { ...(search.suffix === undefined ? {} : { suffix: search.suffix }), extension, folder, counter });
  const photoExtension = path.extname(item.input);
  // The output format's name first, then "Same"'s (the photo's own spelling: .JPG, .jpeg, .tiff),
  // then every format's standard extension: another format's result, or an older version's name.
  const listing = search.listing ?? new ResultListing();
  const exts = [resultExtension(photoExtension, search.format), resultExtension(photoExtension), ...WRITABLE_FORMATS.map((format) => extensionFor(format))];
  for (const folder of [...new Set([plannedFolder, ...(search.otherFolders ?? []).map((f) => path.resolve(f))])]) {
    // Listed once: every numbered name there counts, gaps too (the plain name's photo failed, or
    // its result was deleted to redo it), so a photo's -2 is found with no plain name before it.
    for (const ext of new Set(exts)) {
      for (const counter of await listing.countersIn(folder, ext, (n) => path.basename(nameOf(folder, ext, n)))) {
        const candidate = nameOf(folder, ext, counter);
        // A name another photo of the batch will write (a.jpg's a-unshaken.jpg, for a.png) may
        // still hold this photo's result from an earlier run, but a file that says nothing is not
        // taken for this one's there.
        const plannedByOther = candidate !== item.output && othersPlanned.has(candidate);
        if (!(await isFile(candidate))) continue;
        const header = await readableResult(candidate);
        if (!header) {
          if (!unreadable.includes(candidate)) unreadable.push(candidate);
          continue;
        }
        const source = await resultSources(candidate, header);
        if (source === null ? counter === 0 && !plannedByOther : await isOfThisPhoto(source)) return { done: candidate };
      }
    }
  }
  // Not done: the planned name if it is free, else the first free number.
  const notes = unreadable.length ? { unreadable } : {};
  if (!(await isFile(item.output))) return { output: item.output, ...notes };
  for (let counter = 2; ; counter++) {
    const candidate = nameOf(plannedFolder, resultExtension(photoExtension, search.format), counter);
    if (!othersPlanned.has(candidate) && !(await isFile(candidate))) return { output: candidate, ...notes };
  }
}

/** Where a batch may have put a photo's result: next to it, or in a results subfolder beside it. */
export function resultFoldersOf(input: string, subfolder: string): string[] {
  const folder = path.dirname(path.resolve(input));
  return [folder, path.join(folder, subfolder)];
}
