import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';
import { findJob } from './job-status.js';

/** `cancelled: false` means the job had already finished (done, failed or cancelled). */
export function createCancelJobService(
  context: ServiceContext,
): (request: IpcParsedRequest<'cancelJob'>) => Promise<IpcResponse<'cancelJob'>> {
  return async ({ jobId }) => {
    findJob(context, jobId);
    return { cancelled: context.jobs.cancel(jobId) };
  };
}
