import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { BATCH_SUBFOLDER, DEFAULT_OUTPUT_SUFFIX } from '../../../electron/common/settings-schema.js';
import { culledResults, culledResultsNote, onlyCulledResultsMessage, resultsOfEarlierEndings } from './culled-results.js';
import { isOutputName, isOutputNameOfAny } from './output-path.js';
import { isPhotoName, isRawName, photoTypesInWords, rawFileMessage } from '../../../electron/common/photo-types.js';
import { namedFew } from '../../../electron/common/named-few.js';

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
 * `photo-unshaken.jpg` whose `photo.*` is beside it, a `photo-<earlier ending>.jpg` beside it that
 * carries Unshake's fingerprint, or a result with no photo beside it that carries that fingerprint
 * (its photo culled since: said in `onLeftOut`); a photographer's own
 * "x-unshaken.jpg" is a photo. A file named by itself is taken even so (deblurring a result again
 * on purpose). A file that is not a photo after all fails on its own when deblurred.
 */
export async function photoFilesIn(paths: readonly string[], naming: ResultNaming = {}): Promise<string[]> {
  const known = knownResults(naming);
  const photos: string[] = [];
  const empty: UnshakeError[] = [];
  const culled: string[] = [];
  const raws: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(given);
    if ((await stat(absolute).catch(() => null))?.isDirectory()) {
      // One folder without photos (or with raw files only) does not stop the others of the batch.
      const found = await photosInFolder(absolute, known).catch((error: unknown) => {
        if (!(error instanceof UnshakeError) || !NO_PHOTOS_CODES.has(error.code)) throw error;
        empty.push(error);
        return { names: [], culled: [], raws: [] };
      });
      photos.push(...found.names.map((name) => path.join(absolute, name)));
      culled.push(...found.culled.map((name) => path.join(absolute, name)));
      raws.push(...found.raws);
    } else if (isRawName(absolute)) {
      // Selected by hand with its JPEG (RAW+JPEG): the JPEG is the photo.
      raws.push(path.basename(absolute));
    } else if (await isResultBesideItsPhoto(absolute, known)) {
      // Selected by hand with its photo (select all in a file manager): not deblurred again.
      naming.onLeftOut?.(`${path.basename(absolute)} is left out: it is a result of a photo beside it.`);
    } else photos.push(absolute);
  }
  if (photos.length === 0 && empty.length > 0) throw empty[0]!;
  if (photos.length === 0 && raws.length === 1) throw new UnshakeError('UNSUPPORTED_FORMAT', rawFileMessage(raws[0]!));
  if (photos.length === 0 && raws.length > 1) throw new UnshakeError('UNSUPPORTED_FORMAT', `${namedFew(raws, MAX_RAWS_NAMED)} are raw files: ${RAW_ADVICE}`);
  if (raws.length > 0) naming.onLeftOut?.(`${raws.length === 1 ? '1 raw file is' : `${raws.length} raw files are`} left out (${namedFew(raws, MAX_RAWS_NAMED)}): ${RAW_ADVICE}`);
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

function knownResults(naming: Pick<ResultNaming, 'resultsSubfolder' | 'suffix'>): KnownResults {
  return {
    resultsSubfolder: naming.resultsSubfolder ?? BATCH_SUBFOLDER,
    suffixes: [...new Set([DEFAULT_OUTPUT_SUFFIX, naming.suffix ?? DEFAULT_OUTPUT_SUFFIX])],
  };
}

/** A folder that gives a batch nothing: no photos (FILE_NOT_FOUND), raw files only (UNSUPPORTED_FORMAT). */
const NO_PHOTOS_CODES: ReadonlySet<string> = new Set(['FILE_NOT_FOUND', 'UNSUPPORTED_FORMAT']);
/** rawFileMessage's words, for many files at once. */
const RAW_ADVICE = 'Unshake does not develop raw files. Export 16-bit TIFFs from your raw developer to deblur them.';
const MAX_RAWS_NAMED = 5;

/** A folder's photos, the results in it whose photos are gone (culledResults), and its raw files, by name. */
async function photosInFolder(folder: string, known: KnownResults): Promise<{ names: string[]; culled: string[]; raws: string[] }> {
  const entries = await readdir(folder, { withFileTypes: true });
  const candidates: string[] = [];
  const raws: string[] = [];
  for (const e of entries) {
    const raw = isRawName(e.name);
    if (e.name.startsWith('.') || !(raw || isPhotoName(e.name))) continue;
    // A link to a photo is a photo; a link to a folder (or nothing) is not.
    const file = e.isFile() || (e.isSymbolicLink() && (await stat(path.join(folder, e.name)).then((s) => s.isFile(), () => false)));
    if (file) (raw ? raws : candidates).push(e.name);
  }
  raws.sort(byName);
  const stems = await photoStemsNear(folder, candidates, known.resultsSubfolder);
  const earlierEndings = await resultsOfEarlierEndings(folder, candidates, stems);
  const byItsName = candidates.filter((name) => !isOurResult(name, stems, known.suffixes) && !earlierEndings.has(name));
  const culled = await culledResults(folder, byItsName, known.suffixes);
  const names = byItsName.filter((name) => !culled.has(name)).sort(byName);
  if (names.length === 0 && culled.size > 0) throw new UnshakeError('FILE_NOT_FOUND', onlyCulledResultsMessage(folder, culled.size));
  if (names.length === 0 && raws.length > 0) throw new UnshakeError('UNSUPPORTED_FORMAT', `${folder} holds only raw files (${namedFew(raws, MAX_RAWS_NAMED)}): ${RAW_ADVICE}`);
  if (names.length === 0) throw new UnshakeError('FILE_NOT_FOUND', await noPhotosMessage(folder, entries, known.resultsSubfolder));
  return { names, culled: [...culled].sort(byName), raws };
}

/**
 * Why a folder gave no photos. A memory card's DCIM (or a trip sorted by day) keeps them a level
 * down, and subfolders are not scanned: those holding photos are named, to be dropped instead.
 */
async function noPhotosMessage(folder: string, entries: readonly Dirent[], resultsSubfolder: string): Promise<string> {
  const none = `${folder} holds no photos (${photoTypesInWords()} files).`;
  const withPhotos = await subfoldersWithPhotos(folder, entries, [resultsSubfolder]);
  if (withPhotos.length === 0) return none;
  const them = withPhotos.length === 1 ? 'that folder' : 'those folders';
  return `${folder} holds no photos itself, only in ${withPhotos.length === 1 ? 'its subfolder' : 'subfolders'} (${namedFew(withPhotos, MAX_FOLDERS_NAMED, { beforeMore: ', ' })}), and subfolders are not included: drop ${them} instead.`;
}

const MAX_FOLDERS_NAMED = 5;

async function isResultBesideItsPhoto(file: string, known: KnownResults): Promise<boolean> {
  if (!known.suffixes.some((suffix) => isOutputName(path.basename(file), suffix))) return false;
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  return isOurResult(path.basename(file), await photoStemsNear(path.dirname(file), names, known.resultsSubfolder), known.suffixes);
}

/**
 * The photo (its path) a file given by itself is a result of, beside it or above its results
 * subfolder, as a batch tells results from photos; null for a photo. A single deblur still takes
 * it (deblurring a result again on purpose), and says so.
 */
export async function photoOfResult(file: string, naming: Pick<ResultNaming, 'suffix'> = {}): Promise<string | null> {
  const known = knownResults(naming);
  if (!(await isResultBesideItsPhoto(file, known))) return null;
  const folder = path.dirname(path.resolve(file));
  const near = [folder, ...(path.basename(folder) === known.resultsSubfolder ? [path.dirname(folder)] : [])];
  for (const dir of near) {
    const names = (await readdir(dir).catch(() => [] as string[])).filter(isPhotoName).sort();
    const photo = names.find((name) => name !== path.basename(file) && isOurResult(path.basename(file), new Set([stemOf(name)]), known.suffixes));
    if (photo) return path.join(dir, photo);
  }
  return null;
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

/** photo-unshaken.jpg or photo-unshaken-2.jpg (or another of `suffixes`; shortened if long) whose photo (photo.*) is among `stems`. */
function isOurResult(name: string, stems: ReadonlySet<string>, suffixes: readonly string[]): boolean {
  return suffixes.some((suffix) => isOutputNameOfAny(name, stems, suffix));
}
