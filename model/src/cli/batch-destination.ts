import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { findResult, type BatchItem, type ResultSearch } from '../image/batch-results.js';
import { isDiskFull } from '../image/disk-full.js';
import { resultFolderRefusal, unwritableFolders, type FolderRefusal } from '../image/result-folder-check.js';

/**
 * The batch's result folders that cannot be written (a write-protected card, an --out-dir on a
 * read-only mount), found before any photo is decoded. When no photo could be written, the
 * command fails once with why; a finished batch run again on a locked card still reports its
 * results done. Otherwise the refused folders' photos fail (refusedPhoto), the others go on.
 */
export async function checkBatchDestination(
  items: readonly BatchItem[],
  { subfolder, search }: { subfolder?: string | undefined; search: ResultSearch },
): Promise<Map<string, FolderRefusal>> {
  const refused = await unwritableFolders(
    items.map((item) => path.dirname(item.output)),
    { mayMake: subfolder !== undefined },
  );
  if (refused.size === 0 || items.some((item) => !refused.has(path.dirname(item.output)))) return refused;
  for (const item of items) {
    if ('done' in (await findResult(item, search))) continue;
    const words = [...refused.values()].map((refusal) => refusal.message).join(' ');
    throw new UnshakeError('WRITE_FAILED', `${words} No photo was deblurred.`);
  }
  return refused;
}

/** A photo whose result folder was found unwritable before the batch began. */
export function refusedPhoto(refused: ReadonlyMap<string, FolderRefusal>, outPath: string): UnshakeError | null {
  const refusal = refused.get(path.dirname(outPath));
  return refusal ? new UnshakeError('WRITE_FAILED', `${refusal.message} Nothing was written.`) : null;
}

/**
 * After a photo failed: the line that stops the batch when every photo after would fail the same
 * way (the disk full, the folder read-only, locked or gone), else null.
 */
export async function batchStop(error: unknown, outPath: string, { subfolder, left }: { subfolder?: string | undefined; left: number }): Promise<string | null> {
  if (isDiskFull(error)) return `batch stopped: the disk is full; free some space and run the same command again to do the ${left} photo(s) left.`;
  const refusal = await resultFolderRefusal(path.dirname(outPath), { mayMake: subfolder !== undefined });
  if (!refusal) return null;
  return `batch stopped: ${refusal.folder} can no longer be written (${refusal.why}); once it can, run the same command again to do the ${left} photo(s) left.`;
}
