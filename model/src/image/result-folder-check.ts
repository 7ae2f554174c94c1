import { stat } from 'node:fs/promises';
import path from 'node:path';
import { probeFolder, writeRefusal } from './folder-write-check.js';

export interface FolderRefusal {
  folder: string;
  /** "<folder> cannot be written: it is on a read-only disk: choose a folder on a disk that can be written." */
  message: string;
  why: string;
}

/**
 * Whether results can go into `folder`: null when a test file can be made there, else why not (a
 * write-protected card, a read-only mount, a folder deleted). `mayMake`: the folder is made by
 * its first photo (a --subfolder, "Unshaken"), so where it is not there yet, the folder it goes
 * in is tried; a file in its way is its own photos' error (makeResultsFolder). Errors that are no
 * refused write are left to the photo that meets them.
 */
export async function resultFolderRefusal(folder: string, { mayMake = false } = {}): Promise<FolderRefusal | null> {
  let target = folder;
  if (mayMake) {
    const found = await stat(folder).catch((error: NodeJS.ErrnoException) => error.code ?? 'unknown');
    if (found === 'ENOENT') target = path.dirname(folder);
    else if (typeof found === 'string' || !found.isDirectory()) return null;
  }
  try {
    await probeFolder(target);
    return null;
  } catch (error) {
    const refusal = writeRefusal(error);
    return refusal ? { folder, why: refusal.why, message: `${folder} cannot be written: ${refusal.why}: ${refusal.fix}.` } : null;
  }
}

/**
 * The result folders of a batch that cannot be written, each probed once before any photo is
 * decoded: a locked card is one message, not the same failure after every photo's decode.
 */
export async function unwritableFolders(folders: Iterable<string>, options: { mayMake?: boolean } = {}): Promise<Map<string, FolderRefusal>> {
  const refused = new Map<string, FolderRefusal>();
  for (const folder of new Set(folders)) {
    const refusal = await resultFolderRefusal(folder, options);
    if (refusal) refused.set(folder, refusal);
  }
  return refused;
}
