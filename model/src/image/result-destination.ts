import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { isDiskFull } from './disk-full.js';
import { resultFolderRefusal, unwritableFolders, type FolderRefusal } from './result-folder-check.js';

/**
 * Where a batch's results can go, one rule for the app and the CLI: a results folder that cannot
 * be written (a write-protected card, a read-only disk, a folder moved) leaves out its own photos,
 * with one note per folder, whether found before the batch or after one of its photos failed; the
 * other folders' photos go on. Only a full disk stops every photo left.
 */
export interface DestinationPlan<T> {
  writable: T[];
  refused: RefusedFolder<T>[];
}

export interface RefusedFolder<T> {
  refusal: FolderRefusal;
  items: T[];
}

/** `mayMake`: results go in a folder made by its first photo (a --subfolder, "Unshaken"). */
export async function planDestinations<T extends { output: string }>(items: readonly T[], { mayMake }: { mayMake: boolean }): Promise<DestinationPlan<T>> {
  const refused = await unwritableFolders(items.map((item) => path.dirname(item.output)), { mayMake });
  return {
    writable: items.filter((item) => !refused.has(path.dirname(item.output))),
    refused: [...refused.values()].map((refusal) => ({ refusal, items: items.filter((item) => path.dirname(item.output) === refusal.folder) })),
  };
}

/** The note said once for a folder whose photos are left out: "<folder> cannot be written: …: …. Its 2 photos were left out." */
export function leftOutNote(refusal: FolderRefusal, photos: number): string {
  return `${refusal.message} ${photos === 1 ? 'Its photo was' : `Its ${photos} photos were`} left out.`;
}

/** No photo of the batch can be written: the batch fails as a whole, with why. */
export function nothingWritable(refused: readonly RefusedFolder<unknown>[]): UnshakeError {
  return new UnshakeError('WRITE_FAILED', `${refused.map(({ refusal }) => refusal.message).join(' ')} No photo was deblurred.`);
}

/** Which of the photos left a failure stops: those of its results folder, or all on a full disk. */
export type BatchStop = { scope: 'all' } | { scope: 'folder'; folder: string; words: string };

/**
 * After a photo failed: whether the photos left would fail alike, and which. A folder that cannot
 * be written now (remounted read-only, locked, gone) stops only its own photos, as before the
 * batch; a full disk stops them all (telling which folders share that disk is left undone).
 */
export async function stopAfterFailure(error: unknown, output: string, { mayMake }: { mayMake: boolean }): Promise<BatchStop | null> {
  if (isDiskFull(error)) return { scope: 'all' };
  const refusal = await resultFolderRefusal(path.dirname(output), { mayMake });
  return refusal ? { scope: 'folder', folder: refusal.folder, words: `${refusal.folder} can no longer be written (${refusal.why})` } : null;
}

/** Whether a photo left is stopped by `stop`. */
export function isStopped(stop: BatchStop, output: string): boolean {
  return stop.scope === 'all' || path.dirname(output) === stop.folder;
}
