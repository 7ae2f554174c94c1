import { isTerminal, type JobSnapshot } from '../../../electron/common/index.js';

/**
 * About how long a batch has left, from how long its photos have taken so far: the time since it
 * was queued, over the photos that ended (done or failed), times the photos still to do (less the
 * part of the running one that is done). Null until a photo has ended, and once none is left.
 * The photos are run one after another, so the time between them is theirs.
 */
export function batchSecondsLeft(snapshots: readonly (JobSnapshot | undefined)[]): number | null {
  const known = snapshots.filter((job): job is JobSnapshot => job !== undefined);
  const ended = known.filter((job) => job.state.status === 'done' || job.state.status === 'failed');
  const open = known.filter((job) => !isTerminal(job.state.status));
  if (ended.length === 0 || open.length === 0) return null;
  const start = Math.min(...known.map((job) => job.createdAt));
  const lastEnd = Math.max(...ended.map((job) => job.updatedAt));
  const perPhoto = (lastEnd - start) / 1000 / ended.length;
  const running = open.find((job) => job.state.status === 'running');
  const runningDone = running?.state.status === 'running' ? running.state.progress.fraction : 0;
  return perPhoto * (open.length - runningDone);
}

/** "About 3 min left", as a person says it: no false precision. */
export function timeLeftText(seconds: number): string {
  if (seconds < 60) return 'Less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `About ${minutes} min left`;
  return `About ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}
