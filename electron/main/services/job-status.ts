import type { JobSnapshot } from '../../common/job-state.js';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import type { ServiceContext } from './context.js';

export function findJob(context: ServiceContext, jobId: string): JobSnapshot {
  const job = context.jobs.get(jobId);
  if (!job) throw new UnshakeError('JOB_NOT_FOUND', 'There is no such job in this session.');
  // A deblur whose result main no longer keeps says so (result-store.ts).
  return context.results.view(job);
}

export function createJobStatusService(
  context: ServiceContext,
): (request: IpcParsedRequest<'jobStatus'>) => Promise<IpcResponse<'jobStatus'>> {
  return async ({ jobId }) => findJob(context, jobId);
}
