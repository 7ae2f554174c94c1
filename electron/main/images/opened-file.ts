import { stat } from 'node:fs/promises';
import { UnshakeError } from '../../../model/src/errors.js';
import type { FilePixels } from '../../../model/src/image/pixel-fingerprint.js';
import { sourceFingerprint } from '../../../model/src/image/provenance.js';

/** A file's decoded pixels' fingerprint, and its bytes' just before (pixel-fingerprint.ts): a full decode, in the images worker. */
export type ReadPixels = (path: string) => Promise<FilePixels>;

/** An opened photo's file, as main names it to the user, and what its content was when it was opened. */
export interface OpenedFile {
  path: string;
  fileName: string;
  content: OpenedContent;
}

/**
 * What the file was at open, and what has been found to be it since. Its bytes tell it fast; a
 * photo manager writing a rating, keywords or a caption into the file changes them, not its
 * pixels, so another byte fingerprint is judged by the pixels, once each.
 */
export interface OpenedContent {
  /** provenance.ts's fast fingerprint (size, first and last 256 KiB) at open. */
  readonly bytes: string;
  /**
   * Its decoded pixels' fingerprint as opened, read after the open's reply; null where they could
   * not be read as opened (saved over meanwhile) or were not read (a raster over the budget).
   */
  readonly pixels: Promise<string | null>;
  readonly readPixels: ReadPixels;
  /** Other byte fingerprints seen since, by their pixels: true, the photo opened (rated); false, another picture. */
  readonly compared: Map<string, Promise<boolean>>;
}

/** Verdicts kept per photo: a file saved over again and again forgets its oldest. */
const COMPARED_KEPT = 16;

/** The file's fingerprint now; a file gone or unreadable is said the way the window shows it. */
export async function fingerprintOf(file: Pick<OpenedFile, 'path' | 'fileName'>): Promise<string> {
  try {
    return await sourceFingerprint(file.path);
  } catch (error) {
    throw gone(file, error);
  }
}

/** What a write, a rename over it or a touch changes (ctime: no program sets it); equal, nothing was written between. */
async function stampOf(file: Pick<OpenedFile, 'path' | 'fileName'>): Promise<string> {
  try {
    const { dev, ino, size, mtimeNs, ctimeNs } = await stat(file.path, { bigint: true });
    return `${dev}:${ino}:${size}:${mtimeNs}:${ctimeNs}`;
  } catch (error) {
    throw gone(file, error);
  }
}

function gone(file: Pick<OpenedFile, 'fileName'>, error: unknown): UnshakeError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new UnshakeError('FILE_NOT_FOUND', `${file.fileName} can no longer be shown: it was moved, renamed or deleted since it was opened. Open it again from its new place.`, { cause: error });
  }
  return new UnshakeError('FILE_UNREADABLE', `${file.fileName} can no longer be read (${(error as Error).message}): open it again.`, { cause: error });
}

export function changedOnDisk(file: Pick<OpenedFile, 'fileName'>, detail?: string): UnshakeError {
  return new UnshakeError('FILE_CHANGED', `${file.fileName} changed on disk since it was opened${detail ? ` (${detail})` : ''}: open it again.`);
}

/**
 * Opens `path`: its bytes' fingerprint first, then `make` (its preview), then its pixels' read
 * after the reply (`withPixels`: false for a raster too large to decode twice at once), so the
 * open waits for the preview alone and the two decodes never hold memory together. Pixels read
 * from a file saved over meanwhile are not kept: that photo is then known by its bytes only, as
 * before pixels were compared.
 */
export async function openFile<T>(
  path: string,
  fileName: string,
  { readPixels, withPixels = true }: { readPixels: ReadPixels; withPixels?: boolean },
  make: () => Promise<T>,
): Promise<{ file: OpenedFile; made: T }> {
  const named = { path, fileName };
  const stamp = await stampOf(named);
  const bytes = await fingerprintOf(named);
  const made = await make();
  const pixels = withPixels ? pixelsAsOpened(named, { stamp, bytes }, readPixels) : Promise.resolve(null);
  return { file: { path, fileName, content: { bytes, pixels, readPixels, compared: new Map() } }, made };
}

/** The pixels' fingerprint, kept only where the file read is the one opened; never rejects. */
async function pixelsAsOpened(named: Pick<OpenedFile, 'path' | 'fileName'>, { stamp, bytes }: { stamp: string; bytes: string }, readPixels: ReadPixels): Promise<string | null> {
  const read = await readPixels(named.path).catch(() => null);
  const asOpened = async () => read?.fingerprint === bytes && ((await stampOf(named)) === stamp || (await fingerprintOf(named)) === bytes);
  return read && (await asOpened().catch(() => false)) ? read.pixels : null;
}

/**
 * Refuses an opened photo whose file is another picture now (saved over from another program,
 * cropped): a 100 % crop or a preview made from it would be the new picture beside the old one's
 * preview and result, with nothing to tell them apart. Only rated or keyworded, it is the photo.
 */
export async function requireUnchanged(file: OpenedFile): Promise<void> {
  await check(file);
}

/**
 * `make` reads the photo's file: checked before and after, so a save over it while it was being
 * read (which may have read either picture) is refused too. After, the file's stat unchanged
 * since the check says so without reading it again (each 100 % crop while panning).
 */
export async function fromUnchanged<T>(file: OpenedFile, make: () => Promise<T>): Promise<T> {
  const stamp = await check(file);
  const made = await make();
  if ((await stampOf(file)) !== stamp) await check(file);
  return made;
}

/**
 * Whether a deblur read the photo opened: by the pixels it decoded where both are known (a
 * rating written meanwhile changes only the bytes), else by its bytes, as it recorded them.
 */
export async function readAsOpened(file: OpenedFile, source: { fingerprint?: string; pixels?: string }): Promise<boolean> {
  const opened = await file.content.pixels;
  if (source.pixels !== undefined && opened !== null) return source.pixels === opened;
  return source.fingerprint === undefined || source.fingerprint === file.content.bytes;
}

/** Checks the file, returning its stat from just before: unchanged later, it is still what was checked. */
async function check(file: OpenedFile): Promise<string> {
  const stamp = await stampOf(file);
  const bytes = await fingerprintOf(file);
  if (bytes !== file.content.bytes && !(await samePixels(file, bytes))) throw changedOnDisk(file);
  return stamp;
}

/** One decode per new byte fingerprint, shared by the crops that ask meanwhile; a read that failed is no verdict. */
function samePixels(file: OpenedFile, bytes: string): Promise<boolean> {
  const { compared } = file.content;
  const known = compared.get(bytes);
  if (known) return known;
  const same = comparePixels(file, bytes);
  compared.set(bytes, same);
  same.catch(() => {
    if (compared.get(bytes) === same) compared.delete(bytes);
  });
  while (compared.size > COMPARED_KEPT) compared.delete(compared.keys().next().value as string);
  return same;
}

async function comparePixels(file: OpenedFile, bytes: string): Promise<boolean> {
  const opened = await file.content.pixels;
  if (opened === null) return false;
  let now: FilePixels;
  try {
    now = await file.content.readPixels(file.path);
  } catch {
    // Gone or unreadable is said as such; a file that no longer decodes is another one.
    await fingerprintOf(file);
    throw changedOnDisk(file);
  }
  // Saved over again while it was read: these pixels are not those of `bytes`.
  if (now.fingerprint !== bytes) throw changedOnDisk(file);
  return now.pixels === opened;
}
