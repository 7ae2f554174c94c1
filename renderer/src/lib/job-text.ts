import type { JobKind, JobSnapshot } from '../../../electron/common/index.js';
import { formatPercent } from './format.js';

/** One line a person can read for a job in any state; shared by the status bar and job panel. */
export function describeJob(job: JobSnapshot): string {
  const { state } = job;
  switch (state.status) {
    case 'queued':
      return 'Waiting to start…';
    case 'running':
      return `${state.progress.stage} · ${formatPercent(state.progress.fraction)}`;
    case 'done':
      return 'Done';
    case 'failed':
      return state.error.message;
    case 'cancelled':
      return 'Cancelled';
  }
}

const KIND_LABELS: Record<JobKind, string> = {
  deblur: 'Deblur',
  'batch-item': 'Batch item',
  training: 'Training',
};

export function jobKindLabel(kind: JobKind): string {
  return KIND_LABELS[kind];
}
