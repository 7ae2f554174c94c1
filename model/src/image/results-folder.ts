import { lstat } from 'node:fs/promises';
import { UnshakeError } from '../errors.js';
import { makeFolders } from './make-folders.js';

/**
 * A results folder beside the photos ("Unshaken", or the CLI's --subfolder): true when made now
 * (so whoever made it removes it if no result ends up in it); a file where it should be, or a
 * dangling link, is a clear error for that folder's photos only.
 */
export async function makeResultsFolder(folder: string): Promise<boolean> {
  try {
    return (await makeFolders(folder)) !== undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new UnshakeError('INVALID_REQUEST', `${folder} is a file, so the results cannot go in a folder of that name.`, { cause: error });
    if (code === 'ENOENT' && (await lstat(folder).catch(() => null))?.isSymbolicLink()) {
      throw new UnshakeError('WRITE_FAILED', `${folder} is a link to a folder that is no longer there, so the results cannot go in it.`, { cause: error });
    }
    throw new UnshakeError('WRITE_FAILED', `Could not make the folder ${folder} for the results: ${whyNotMade(code)}.`, { cause: error });
  }
}

/**
 * The one folder all results go to (the CLI's --out-dir), made with its parents. Every refusal
 * is WRITE_FAILED in words: a file in the way, or a place that may not be written (a read-only
 * card or mount, where mkdir may even answer ENOENT, a folder of another user).
 */
export async function makeOutputFolder(folder: string, option: string): Promise<void> {
  try {
    await makeFolders(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnshakeError('WRITE_FAILED', `Could not make the ${option} folder ${folder}: ${whyNotMade(code)}. Choose another folder; nothing was written.`, { cause: error });
  }
}

/** Why mkdir refused, in words (ENOENT under a folder that exists: a place like /proc that takes no folders). */
function whyNotMade(code: string | undefined): string {
  return code === 'ENOTDIR' || code === 'EEXIST'
    ? 'a file is in the way, where a folder on that path should be'
    : code === 'ENOSPC'
      ? 'the disk is full'
      : `the place is read-only or you may not write there (${code ?? 'unknown error'})`;
}
