import type { ErrorInfo } from '../../common/error-codes.js';
import type { InterruptedBatch, JobJournal } from '../jobs/job-journal.js';
import { toldOnce } from '../told-once.js';

export interface InterruptedBatches {
  list(): InterruptedBatch[];
  get(runId: string): InterruptedBatch | undefined;
  /** No longer offered (resumed or dismissed): the journal says so, so the next start does not offer it either. */
  close(runId: string): void;
  /** A batch of exactly these paths started: it finishes what an interrupted one of them left. */
  closeSame(paths: readonly string[]): void;
  /** Why a batch in the journal could not be offered (compaction's notice), once (then null): the window says it. */
  takeNotice(): ErrorInfo | null;
}

/** The batches an earlier session left unfinished (read from the journal at start), until each is resumed or dismissed. */
export function createInterruptedBatches(journal: JobJournal, found: readonly InterruptedBatch[], notice: ErrorInfo | null = null): InterruptedBatches {
  const runs = new Map(found.map((run) => [run.runId, run]));
  const key = (paths: readonly string[]) => JSON.stringify([...new Set(paths)].sort());
  const close = (runId: string) => {
    if (runs.delete(runId)) journal.append({ closed: runId });
  };
  return {
    list: () => [...runs.values()],
    get: (runId) => runs.get(runId),
    close,
    closeSame(paths) {
      const same = key(paths);
      for (const run of [...runs.values()]) if (key(run.paths) === same) close(run.runId);
    },
    takeNotice: toldOnce(notice),
  };
}
