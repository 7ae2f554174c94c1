import { isTerminal, type JobSnapshot } from '../../../electron/common/index.js';

type Snapshots = readonly (JobSnapshot | undefined)[];

const knownOf = (snapshots: Snapshots) => snapshots.filter((job): job is JobSnapshot => job !== undefined);
const isOpen = (job: JobSnapshot) => !isTerminal(job.state.status);

/**
 * About how long a batch has left, from how long its photos took to deblur: the mean running
 * time (startedAt to end) of its done photos, times the photos still to do (less the part of
 * the running one that is done). Only running time counts: a wait behind another batch or the
 * editor's deblurs is not the batch's pace. Failed photos set no pace (a cut-short file fails in
 * milliseconds), and each photo left counts as one to deblur: whether it will fail is not known
 * until it runs, damaged files come in runs (a card's last shots), and a failure only ends the
 * batch sooner than said. The first photo deblurred is left out, since it carries the engine's
 * start-up (7 s against 0.5 s a photo for small photos), so there is no estimate until a second
 * photo is done; none once no photo is left.
 */
export function batchSecondsLeft(snapshots: Snapshots): number | null {
  const known = knownOf(snapshots);
  const open = known.filter(isOpen);
  const deblurred = known.filter((job) => job.startedAt !== undefined && job.state.status === 'done');
  if (open.length === 0 || deblurred.length < 2) return null;
  const first = deblurred.reduce((a, b) => (b.startedAt! < a.startedAt! ? b : a));
  const paced = deblurred.filter((job) => job !== first);
  const perPhoto = paced.reduce((sum, job) => sum + (job.updatedAt - job.startedAt!), 0) / 1000 / paced.length;
  const running = open.find((job) => job.state.status === 'running');
  const runningDone = running?.state.status === 'running' ? running.state.progress.fraction : 0;
  return perPhoto * (open.length - runningDone);
}

/**
 * What the batch card says about time: the time left once it is known, or, while none of the
 * batch's photos has begun, that it waits — for the batches queued before it (`others`: the
 * other batches' jobs; batch photos run in the order they were queued), with about how long
 * they have left when each knows, or else for the editor's deblur. Null: nothing useful yet.
 */
export function batchTimeText(snapshots: Snapshots, others: readonly Snapshots[]): string | null {
  const known = knownOf(snapshots);
  const open = known.filter(isOpen);
  if (open.length === 0) return null;
  if (known.some((job) => job.startedAt !== undefined)) {
    const seconds = batchSecondsLeft(known);
    return seconds === null ? null : timeLeftText(seconds);
  }
  const queuedAt = Math.min(...open.map((job) => job.createdAt));
  const ahead = others.filter((other) => knownOf(other).some((job) => isOpen(job) && job.createdAt < queuedAt));
  if (ahead.length === 0) return 'Waiting for the deblur under way';
  const lefts = ahead.map(batchSecondsLeft);
  const what = ahead.length === 1 ? 'the batch ahead' : `the ${ahead.length} batches ahead`;
  if (lefts.some((left) => left === null)) return `Waiting for ${what}`;
  return `Waiting for ${what} (${durationText(lefts.reduce<number>((sum, left) => sum + left!, 0))} left)`;
}

/** "About 3 min left", as a person says it: no false precision. */
export function timeLeftText(seconds: number): string {
  const text = durationText(seconds);
  return `${text[0]!.toUpperCase()}${text.slice(1)} left`;
}

function durationText(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
