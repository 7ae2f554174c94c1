import path from 'node:path';
import { UnshakeError } from '../../../model/src/errors.js';
import type { BatchItem } from '../../../model/src/image/batch-results.js';
import { resultFolderRefusal, unwritableFolders } from '../../../model/src/image/result-folder-check.js';

/**
 * The photos of a batch whose results can be written, found before any is queued: a folder on a
 * write-protected card or a read-only disk leaves its photos out with one note (in `leftOut`),
 * instead of each failing after its decode; when no photo is left, the drop fails with why.
 * `mayMake`: results go in an "Unshaken" folder made by the first photo.
 */
export async function writablePhotos(toDo: readonly BatchItem[], { mayMake, leftOut }: { mayMake: boolean; leftOut: string[] }): Promise<BatchItem[]> {
  const refused = await unwritableFolders(
    toDo.map((item) => path.dirname(item.output)),
    { mayMake },
  );
  if (refused.size === 0) return [...toDo];
  const writable = toDo.filter((item) => !refused.has(path.dirname(item.output)));
  const words = [...refused.values()].map(({ folder, why }) => `${folder} cannot be written (${why})`);
  if (writable.length === 0) {
    throw new UnshakeError('WRITE_FAILED', `${words.join('; ')}: no photo was deblurred. Unlock the card, or copy the photos to a folder that can be written, and drop them again.`);
  }
  for (const [index, { folder }] of [...refused.values()].entries()) {
    const n = toDo.filter((item) => path.dirname(item.output) === folder).length;
    leftOut.push(`${words[index]}, so ${n === 1 ? 'its photo was' : `its ${n} photos were`} left out.`);
  }
  return writable;
}

/**
 * A photo failed: when its results folder cannot be written now (remounted read-only, locked,
 * deleted), every later photo would fail alike, so the rest of the batch is stopped with this.
 */
export async function folderStop(error: unknown, item: BatchItem, mayMake: boolean): Promise<UnshakeError | null> {
  const refusal = await resultFolderRefusal(path.dirname(item.output), { mayMake });
  if (!refusal) return null;
  return new UnshakeError('WRITE_FAILED', `${refusal.folder} can no longer be written (${refusal.why}). The rest of the batch was stopped: Run again once it can be written.`, { cause: error });
}
