import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { BATCH_SUBFOLDER, DEFAULT_OUTPUT_SUFFIX } from '../../../electron/common/settings-schema.js';
import { culledResults, culledResultsNote, onlyCulledResultsMessage } from './culled-results.js';
import { extensionFor, WRITABLE_FORMATS, type WritableFormat } from './formats.js';
import { isOutputName, plainOutputPath, sourceStemOf } from './output-path.js';
import { readableResult } from './readable-result.js';
import { resultExtension } from '../../../electron/common/result-name.js';
import { pixelFingerprint } from './pixel-fingerprint.js';
import { resultSources, sourceFingerprint, type ResultSource } from './provenance.js';
import { isPhotoName, photoTypesInWords } from '../../../electron/common/photo-types.js';

const stemOf = (name: string) => path.basename(name, path.extname(name));
/** Files (symbolic links to files too) in name order, numbers by value: IMG_2 before IMG_10. */
const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/** How a batch's results are told from photos: the folder made beside the photos, the names' suffix. */
export interface ResultNaming {
  resultsSubfolder?: string;
  /** The suffix results are named with now (the settings'); the default one is always known too. */
  suffix?: string;
  /**
   * What was left out, in words: a folder with no photos among others that have some (one such
   * folder alone is an error), a result named with its photo. Without it they are left out quietly.
   */
  onLeftOut?: (note: string) => void;
}

/**
 * The photos named by paths for a batch, each once: files as given, folders scanned (not their
 * subfolders) for photo files in name order, leaving out hidden files and our own results — a
 * `photo-unshaken.jpg` whose `photo.*` is beside it, or one with no photo beside it that carries
 * Unshake's fingerprint (its photo culled since: said in `onLeftOut`); a photographer's own
 * "x-unshaken.jpg" is a photo. A file named by itself is taken even so (deblurring a result again
 * on purpose). A file that is not a photo after all fails on its own when deblurred.
 */
export async function photoFilesIn(paths: readonly string[], naming: ResultNaming = {}): Promise<string[]> {
  const known: KnownResults = {
    resultsSubfolder: naming.resultsSubfolder ?? BATCH_SUBFOLDER,
    suffixes: [...new Set([DEFAULT_OUTPUT_SUFFIX, naming.suffix ?? DEFAULT_OUTPUT_SUFFIX])],
  };
  const photos: string[] = [];
  const empty: UnshakeError[] = [];
  const culled: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(given);
    if ((await stat(absolute).catch(() => null))?.isDirectory()) {
      // One folder without photos does not stop the others of the batch.
      const found = await photosInFolder(absolute, known).catch((error: unknown) => {
        if (!(error instanceof UnshakeError) || error.code !== 'FILE_NOT_FOUND') throw error;
        empty.push(error);
        return { names: [], culled: [] };
      });
      photos.push(...found.names.map((name) => path.join(absolute, name)));
      culled.push(...found.culled.map((name) => path.join(absolute, name)));
    } else if (await isResultBesideItsPhoto(absolute, known)) {
      // Selected by hand with its photo (select all in a file manager): not deblurred again.
      naming.onLeftOut?.(`${path.basename(absolute)} is left out: it is a result of a photo beside it.`);
    } else photos.push(absolute);
  }
  if (photos.length === 0 && empty.length > 0) throw empty[0]!;
  const results = await oncePerFile(culled);
  if (results.files.length > 0) naming.onLeftOut?.(culledResultsNote(results.files));
  for (const error of empty) naming.onLeftOut?.(error.message);
  const once = await oncePerFile(photos);
  const n = once.reachedAgain;
  if (n > 0) naming.onLeftOut?.(`${n === 1 ? '1 photo was' : `${n} photos were`} reached more than once, through symbolic links (${once.example}): ${n === 1 ? 'it is' : 'each is'} deblurred once.`);
  return once.files;
}

/** A path with its links followed; one that loops or leads nowhere has none and stands for itself (it fails alone). */
export function realPathOf(file: string): Promise<string> {
  return realpath(file).catch(() => file);
}

/**
 * Each file once, under the path first seen: a folder and one of its photos dropped together, a
 * folder and a link to it, a link to a photo beside it. Compared by real path (links followed),
 * or two jobs would deblur one photo, and write one result file twice. `reachedAgain`: how many
 * files links led to more than once (`example`: the first such pair), for a note.
 */
async function oncePerFile(files: readonly string[]): Promise<{ files: string[]; reachedAgain: number; example: string }> {
  const firstSeen = new Map<string, string>();
  /** Real paths reached again under another name: the first such pair, as an example. */
  const reachedAgain = new Set<string>();
  let example = '';
  for (const file of files) {
    const real = await realPathOf(file);
    const seen = firstSeen.get(real);
    if (seen === undefined) firstSeen.set(real, file);
    else if (seen !== file) {
      if (reachedAgain.size === 0) example = `${file} is ${seen}`;
      reachedAgain.add(real);
    }
  }
  return { files: [...firstSeen.values()], reachedAgain: reachedAgain.size, example };
}

/**
 * How many subfolders of the folders among `paths` hold photos a batch leaves out: not hidden
 * ones, not `ignored` names (the results folder), not empty ones, not those dropped themselves.
 */
export async function countSubfolders(paths: readonly string[], ignored: readonly string[] = []): Promise<number> {
  // By real path: a folder and a link to it are one folder.
  const dropped = new Set(await Promise.all(paths.map((given) => realPathOf(path.resolve(given)))));
  let count = 0;
  for (const folder of dropped) {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    const names = await subfoldersWithPhotos(folder, entries, ignored);
    for (const name of names) if (!dropped.has(await realPathOf(path.join(folder, name)))) count++;
  }
  return count;
}

/** The subfolders among `entries` of `folder` (in name order) with photo files of their own; hidden and `ignored` ones aside. */
async function subfoldersWithPhotos(folder: string, entries: readonly Dirent[], ignored: readonly string[]): Promise<string[]> {
  const names = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !ignored.includes(e.name)).map((e) => e.name);
  const withPhotos: string[] = [];
  for (const name of names.sort(byName)) {
    const inside = await readdir(path.join(folder, name)).catch(() => [] as string[]);
    if (inside.some((file) => !file.startsWith('.') && isPhotoName(file))) withPhotos.push(name);
  }
  return withPhotos;
}

type KnownResults = { resultsSubfolder: string; suffixes: readonly string[] };

/** A folder's photos, and the results in it whose photos are gone (culledResults), by name. */
async function photosInFolder(folder: string, known: KnownResults): Promise<{ names: string[]; culled: string[] }> {
  const entries = await readdir(folder, { withFileTypes: true });
  const candidates: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || !isPhotoName(e.name)) continue;
    // A link to a photo is a photo; a link to a folder (or nothing) is not.
    const file = e.isFile() || (e.isSymbolicLink() && (await stat(path.join(folder, e.name)).then((s) => s.isFile(), () => false)));
    if (file) candidates.push(e.name);
  }
  const stems = await photoStemsNear(folder, candidates, known.resultsSubfolder);
  const byItsName = candidates.filter((name) => !isOurResult(name, stems, known.suffixes));
  const culled = await culledResults(folder, byItsName, known.suffixes);
  const names = byItsName.filter((name) => !culled.has(name)).sort(byName);
  if (names.length === 0 && culled.size > 0) throw new UnshakeError('FILE_NOT_FOUND', onlyCulledResultsMessage(folder, culled.size));
  if (names.length === 0) throw new UnshakeError('FILE_NOT_FOUND', await noPhotosMessage(folder, entries, known.resultsSubfolder));
  return { names, culled: [...culled].sort(byName) };
}

/**
 * Why a folder gave no photos. A memory card's DCIM (or a trip sorted by day) keeps them a level
 * down, and subfolders are not scanned: those holding photos are named, to be dropped instead.
 */
async function noPhotosMessage(folder: string, entries: readonly Dirent[], resultsSubfolder: string): Promise<string> {
  const none = `${folder} holds no photos (${photoTypesInWords()} files).`;
  const withPhotos = await subfoldersWithPhotos(folder, entries, [resultsSubfolder]);
  if (withPhotos.length === 0) return none;
  const shown = withPhotos.length > MAX_FOLDERS_NAMED ? [...withPhotos.slice(0, MAX_FOLDERS_NAMED), `${withPhotos.length - MAX_FOLDERS_NAMED} more`] : withPhotos;
  const them = withPhotos.length === 1 ? 'that folder' : 'those folders';
  return `${folder} holds no photos itself, only in ${withPhotos.length === 1 ? 'its subfolder' : 'subfolders'} (${shown.join(', ')}), and subfolders are not included: drop ${them} instead.`;
}

const MAX_FOLDERS_NAMED = 5;

async function isResultBesideItsPhoto(file: string, known: KnownResults): Promise<boolean> {
  if (!known.suffixes.some((suffix) => isOutputName(path.basename(file), suffix))) return false;
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  return isOurResult(path.basename(file), await photoStemsNear(path.dirname(file), names, known.resultsSubfolder), known.suffixes);
}

/**
 * The names (without extension) of the photos among `names` in `folder`, and, for a results
 * subfolder (Unshaken/), of the photo files in the folder above: its results are of those photos,
 * and the subfolder dropped or selected again must not have them deblurred as photos. Any other
 * folder is only its own: a photographer's "x-unshaken.jpg" in Trip/ stays a photo.
 */
async function photoStemsNear(folder: string, names: readonly string[], resultsSubfolder: string): Promise<Set<string>> {
  const above = path.dirname(folder);
  const isResultsFolder = path.basename(folder) === resultsSubfolder && above !== folder;
  const entries = isResultsFolder ? await readdir(above, { withFileTypes: true }).catch(() => []) : [];
  return new Set([...names, ...entries.filter((e) => e.isFile()).map((e) => e.name)].filter(isPhotoName).map(stemOf));
}

/** photo-unshaken.jpg or photo-unshaken-2.jpg (or another of `suffixes`) whose photo (photo.*) is among `stems`. */
function isOurResult(name: string, stems: ReadonlySet<string>, suffixes: readonly string[]): boolean {
  return suffixes.some((suffix) => {
    const photo = sourceStemOf(name, suffix);
    return photo !== null && stems.has(photo);
  });
}

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
}

/**
 * A photo's result from an earlier run of this batch (`done`), or where to write it (`output`).
 * Looked for under the photo's result name and its numbered forms (-2, -3: the name was another
 * photo's), in every writable format and the photo's own extension (the output format setting
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
  const exts = [resultExtension(photoExtension, search.format), resultExtension(photoExtension), ...WRITABLE_FORMATS.map((format) => extensionFor(format))];
  for (const folder of [...new Set([plannedFolder, ...(search.otherFolders ?? []).map((f) => path.resolve(f))])]) {
    for (const ext of new Set(exts)) {
      for (let counter = 0; ; counter = counter === 0 ? 2 : counter + 1) {
        const candidate = nameOf(folder, ext, counter);
        // A name another photo of the batch will write (a.jpg's a-unshaken.jpg, for a.png) may
        // still hold this photo's result from an earlier run, but a file that says nothing is not
        // taken for this one's there.
        const plannedByOther = candidate !== item.output && othersPlanned.has(candidate);
        if (!(await isFile(candidate))) {
          if (plannedByOther) continue;
          break;
        }
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
