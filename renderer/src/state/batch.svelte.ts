import type { IpcResponse } from '../../../electron/common/index.js';
import { api, ApiError } from '../lib/api.js';
import { chooseFolder } from '../lib/file-dialog.js';
import { pathOnDisk } from '../lib/image-file.js';
import { recallClearedBatches, rememberClearedBatches } from '../lib/window-memory.js';
import { app } from './app.svelte.js';
import { errors } from './errors.svelte.js';
import { jobs } from './jobs.svelte.js';

type BatchReply = IpcResponse<'batch'>;
/** A batch an earlier session left unfinished (a crash, a quit mid-batch): offered to resume. */
export type InterruptedBatch = IpcResponse<'interruptedBatches'>[number];
/** What a batch runs with: the editor's strength (percent) and model. */
export type BatchSettings = { strength: number; modelId: string };

/** One dropped folder (or several photos): its queued photos and those already done before. */
export interface BatchRun {
  id: number;
  /** What was dropped, for people: a folder's name, or "3 photos". */
  title: string;
  /** What was dropped, and the settings it runs with: Run again finishes what is left, alike. */
  paths: string[];
  settings: BatchSettings;
  items: BatchReply['items'];
  alreadyDone: BatchReply['alreadyDone'];
  subfoldersLeftOut: number;
  leftOut: string[];
  /** Main's name for it: a reloaded window finds it again by this. */
  runId: string;
}

/**
 * Batches started from this window, newest first. The jobs themselves live in main (one
 * 'batch-item' job per photo, run one after another with the single deblurs); their states come
 * from the jobs store, so a batch's counts are always what main says.
 */
class BatchState {
  runs = $state<BatchRun[]>([]);
  interrupted = $state<InterruptedBatch[]>([]);
  starting = $state(false);
  private nextId = 1;
  /** Drops main has not answered yet, by what was dropped. */
  private dropsInFlight = new Set<string>();

  /** Dropped photos and folders: each result next to its original (or in the results subfolder). */
  async startDropped(files: readonly File[], settings: () => BatchSettings): Promise<void> {
    const paths = files.map(pathOnDisk);
    await this.startWhenLoaded(paths, files.length === 1 ? files[0]!.name : `${files.length} items`, settings);
  }

  /** Deblur a folder…: the system's folder picker, then a batch of every photo in it. */
  async chooseFolder(settings: () => BatchSettings): Promise<void> {
    const folder = await chooseFolder();
    if (folder) await this.startWhenLoaded([folder.path], folder.name, settings);
  }

  /** `settings` read once the window has loaded: dropped early, the model and strength are not known yet. */
  private async startWhenLoaded(paths: string[], title: string, settings: () => BatchSettings): Promise<void> {
    // The same folders dropped again before main has answered the first drop (a double drop, a
    // shaky hand) are that batch: a second card of "already under way" photos would only be noise.
    // Another folder dropped meanwhile is a batch of its own (main plans them one after another).
    const key = JSON.stringify(paths);
    if (this.dropsInFlight.has(key)) return;
    this.dropsInFlight.add(key);
    try {
      await app.loaded;
      const { strength, modelId } = settings();
      if (!modelId) throw new ApiError('MODEL_NOT_FOUND', 'No model to deblur with: none is installed, or the model list could not be read.');
      await this.start(paths, title, { strength, modelId });
    } finally {
      this.dropsInFlight.delete(key);
    }
  }

  /** Queues a batch (`again`: the runId it runs again, with that run's output settings); true once main has it. */
  async start(paths: string[], title: string, settings: BatchSettings, again?: string): Promise<boolean> {
    this.starting = true;
    try {
      const reply = await api.batch({ paths, strength: settings.strength / 100, modelId: settings.modelId, title, ...(again ? { again } : {}) });
      this.runs = [{ id: this.nextId++, title, paths, settings, ...reply }, ...this.runs];
      // The same folder dropped again finishes an interrupted batch of it: main no longer offers that one.
      if (this.interrupted.length > 0) void this.loadInterrupted();
      return true;
    } catch (error) {
      errors.show(error);
      return false;
    } finally {
      this.starting = false;
    }
  }

  /**
   * An ended batch with photos not done (cancelled, failed): the same folders with the same
   * settings, so only what is left runs (main skips photos whose result is there). Its new card
   * replaces this one.
   */
  async runAgain(run: BatchRun): Promise<void> {
    if (this.starting) return;
    if (await this.start(run.paths, run.title, run.settings, run.runId)) this.runs = this.runs.filter((other) => other.id !== run.id);
  }

  /**
   * Runs an interrupted batch again with the settings it started with: photos done before are
   * skipped (main finds their results). Its card becomes the new batch's.
   */
  async resume(offer: InterruptedBatch): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    try {
      const { paths, ...reply } = await api.resumeBatch(offer.runId);
      const settings = { strength: Math.round(offer.strength * 100), modelId: offer.modelId };
      this.interrupted = this.interrupted.filter((other) => other.runId !== offer.runId);
      this.runs = [{ id: this.nextId++, title: offer.title, paths, settings, ...reply }, ...this.runs];
    } catch (error) {
      errors.show(error);
    } finally {
      this.starting = false;
    }
  }

  /** Stops offering an interrupted batch; its results stay. */
  async dismiss(offer: InterruptedBatch): Promise<void> {
    try {
      await api.dismissBatch(offer.runId);
      this.interrupted = this.interrupted.filter((other) => other.runId !== offer.runId);
    } catch (error) {
      errors.show(error);
    }
  }

  private async loadInterrupted(): Promise<void> {
    try {
      this.interrupted = await api.interruptedBatches();
      // A batch the journal held that this version could not read: said once, with where it was kept.
      const { notice } = await api.journalNotice();
      if (notice) errors.tell(new ApiError(notice.code, notice.message));
    } catch (error) {
      errors.show(error);
    }
  }

  /** At start or after a reload: the batches main is still working on, as they stand, and those an earlier session left unfinished. */
  async restore(): Promise<void> {
    void this.loadInterrupted();
    try {
      const under = await api.batchRuns();
      for (const run of under) for (const job of run.jobs) jobs.record(job);
      const known = new Set(this.runs.map((run) => run.runId));
      const cleared = recallClearedBatches();
      const missing = under.filter((run) => !known.has(run.runId) && !cleared.has(run.runId));
      this.runs = [
        ...this.runs,
        ...missing.map(({ jobs: _jobs, strength, modelId, ...run }) => ({ id: this.nextId++, ...run, settings: { strength: Math.round(strength * 100), modelId } })),
      ];
    } catch (error) {
      errors.show(error);
    }
  }

  /** Takes the batches that have ended off the list (their results stay where they were written). */
  clearFinished(isOpen: (jobId: string) => boolean): void {
    const finished = this.runs.filter((run) => !run.items.some((item) => isOpen(item.jobId)));
    rememberClearedBatches(finished.map((run) => run.runId));
    this.runs = this.runs.filter((run) => !finished.includes(run));
  }

  /**
   * Stops a batch: its queued photos are dropped and the running one stops; done ones stay. One
   * request for all of them: one per photo let the next photo start between two.
   */
  async cancel(run: BatchRun): Promise<void> {
    try {
      await api.cancelBatch(run.runId);
    } catch (error) {
      errors.show(error);
    }
  }
}

export const batch = new BatchState();
