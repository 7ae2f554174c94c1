import type { IpcResponse } from '../../../electron/common/index.js';
import { api } from '../lib/api.js';
import { errors } from './errors.svelte.js';
import { jobs } from './jobs.svelte.js';

type BatchReply = IpcResponse<'batch'>;

/** One dropped folder (or several photos): its queued photos and those already done before. */
export interface BatchRun {
  id: number;
  /** What was dropped, for people: a folder's name, or "3 photos". */
  title: string;
  items: BatchReply['items'];
  alreadyDone: BatchReply['alreadyDone'];
}

/**
 * Batches started from this window, newest first. The jobs themselves live in main (one
 * 'batch-item' job per photo, run one after another with the single deblurs); their states come
 * from the jobs store, so a batch's counts are always what main says.
 */
class BatchState {
  runs = $state<BatchRun[]>([]);
  starting = $state(false);
  private nextId = 1;

  async start(paths: string[], title: string, settings: { strength: number; modelId: string }): Promise<void> {
    this.starting = true;
    try {
      const reply = await api.batch({ paths, strength: settings.strength / 100, modelId: settings.modelId, title });
      this.runs = [{ id: this.nextId++, title, items: reply.items, alreadyDone: reply.alreadyDone }, ...this.runs];
    } catch (error) {
      errors.show(error);
    } finally {
      this.starting = false;
    }
  }

  /** After a reload: the batches main is still working on, as they stand. */
  async restore(): Promise<void> {
    try {
      const under = await api.batchRuns();
      for (const run of under) for (const job of run.jobs) jobs.record(job);
      const known = new Set(this.runs.flatMap((run) => run.items.map((item) => item.jobId)));
      const missing = under.filter((run) => !run.items.some((item) => known.has(item.jobId)));
      this.runs = [...this.runs, ...missing.map((run) => ({ id: this.nextId++, title: run.title, items: run.items, alreadyDone: run.alreadyDone }))];
    } catch (error) {
      errors.show(error);
    }
  }

  /** Takes the batches that have ended off the list (their results stay where they were written). */
  clearFinished(isOpen: (jobId: string) => boolean): void {
    this.runs = this.runs.filter((run) => run.items.some((item) => isOpen(item.jobId)));
  }

  /** Stops a batch: its queued photos are dropped and the running one stops; done ones stay. */
  async cancel(run: BatchRun, isOpen: (jobId: string) => boolean): Promise<void> {
    try {
      for (const item of run.items) if (isOpen(item.jobId)) await api.cancelJob(item.jobId);
    } catch (error) {
      errors.show(error);
    }
  }
}

export const batch = new BatchState();
