import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../../../model/src/errors.js';
import { lostResultMessage } from '../../common/result-lost.js';
import type { JobResult, ServiceContext } from './context.js';

/**
 * Reads a kept result (its preview, a 100 % crop, a save) under a lease, after checking that its
 * file is still the one the deblur wrote. One deleted or cut short since (by hand, a disk cleaner)
 * is removed as lost: its job then says so in words naming the photo (pushed to the window,
 * result-store.ts), where the image protocol could only answer a bare 404. A read that fails
 * for another reason (the imaging process killed) leaves the result kept and throws as it was.
 */
export async function readResult<T>(context: ServiceContext, jobId: string, read: (result: JobResult) => Promise<T>): Promise<T> {
  const lease = context.results.lease(jobId);
  if (!lease) throw notKeptError(context, jobId);
  const { result, bytes } = lease;
  try {
    if (!(await intact(result.resultPath, bytes))) throw await lost(context, jobId, result);
    try {
      return await read(result);
    } catch (error) {
      // Removed while the engine read it: checked after the failure, so a healthy file costs one stat.
      if (!(await intact(result.resultPath, bytes))) throw await lost(context, jobId, result);
      throw error;
    }
  } finally {
    lease.release();
  }
}

/** Why a job's result cannot be read: its file lost, or main no longer keeping it (prune-results.ts). */
export function notKeptError(context: ServiceContext, jobId: string): UnshakeError {
  const lostSource = context.results.lostSource(jobId);
  if (lostSource) return new UnshakeError('RESULT_NOT_KEPT', lostResultMessage(path.basename(lostSource)));
  return new UnshakeError('RESULT_NOT_KEPT', "This result is no longer kept: Unshake keeps a photo's two newest results, and drops other photos' oldest past 1 GB. Deblur the photo again to save it.");
}

async function lost(context: ServiceContext, jobId: string, result: JobResult): Promise<UnshakeError> {
  await context.results.remove([jobId], { lost: true });
  return new UnshakeError('RESULT_NOT_KEPT', lostResultMessage(path.basename(result.sourcePath)));
}

async function intact(file: string, bytes: number): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  return info !== null && info.isFile() && info.size === bytes;
}
