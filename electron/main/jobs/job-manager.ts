import PQueue from 'p-queue';
import {
  canTransition,
  isTerminal,
  type JobKind,
  type JobProgress,
  type JobResultPreview,
  type JobSnapshot,
  type JobState,
  type StopReason,
} from '../../common/job-state.js';
import type { TrainedModel } from '../../common/training.js';
import { toErrorInfo, UnshakeError } from '../../../model/src/errors.js';
import { newId } from '../ids.js';
import type { JobJournal } from './job-journal.js';

export interface JobContext {
  jobId: string;
  /** Aborted when the job is cancelled; pass it down to the engine. */
  signal: AbortSignal;
  progress(progress: JobProgress): void;
}

/** What a runner may hand back: published on the `done` state (a deblur's preview, a trained model). */
export interface JobOutcome {
  result?: JobResultPreview;
  model?: TrainedModel;
  notes?: string[];
}
export type JobRunner = (context: JobContext) => Promise<JobOutcome | void>;

export interface JobManager {
  /**
   * Queues the job and returns its first snapshot (status 'queued'). Only a job with a
   * `journalGroup` (its batch's run id) is journaled: a batch is what a later session resumes.
   */
  enqueue(kind: JobKind, run: JobRunner, journalGroup?: string): JobSnapshot;
  get(id: string): JobSnapshot | undefined;
  /** The jobs queued or running now. */
  open(): JobSnapshot[];
  /**
   * Cancels a queued or running job; false if it is unknown or already finished. `stopped`: the
   * app stops it, not the user (its state says why).
   */
  cancel(id: string, stopped?: StopReason): boolean;
  /**
   * Forgets a job nothing can ask about any more (its batch is no longer remembered): at once if
   * it has ended, else once it ends (its listeners hear the end first).
   */
  forget(id: string): void;
  onUpdate(listener: (job: JobSnapshot) => void): () => void;
  /**
   * Stops every job and waits for the running one, WITHOUT recording them as cancelled: the
   * journal keeps them as queued/running, i.e. interrupted, which is what a resume looks for.
   */
  close(): Promise<void>;
}

interface JobRecord {
  snapshot: JobSnapshot;
  controller: AbortController;
  journalGroup: string | undefined;
  /** Forgotten once it ends. */
  forgetWhenEnded?: true;
}

/**
 * Runs jobs through the shared state machine: deblurs and batch photos one at a time (one
 * engine, and ORT already uses every core), training runs one at a time in their own queue
 * beside them (a run takes minutes to hours in its own process; the editor stays usable).
 * Every change goes to listeners; status changes of a batch's photos also go to the journal.
 */
export function createJobManager(options: { journal?: JobJournal; now?: () => number } = {}): JobManager {
  const now = options.now ?? Date.now;
  const queue = new PQueue({ concurrency: 1 });
  const trainingQueue = new PQueue({ concurrency: 1 });
  const jobs = new Map<string, JobRecord>();
  const listeners = new Set<(job: JobSnapshot) => void>();

  const notify = (snapshot: JobSnapshot) => {
    for (const listener of listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        console.error('[jobs] update listener failed:', error);
      }
    }
  };
  const publish = (record: JobRecord) => {
    // Its id and status only: no photo, selection, result or error text outlives the session.
    // A photo's end is on disk before anyone hears of it: its result is published already, and
    // the app killed the next moment must not offer the batch as one photo short.
    const status = record.snapshot.state.status;
    const line = record.journalGroup ? { job: record.snapshot.id, group: record.journalGroup, status } : null;
    if (line && isTerminal(status)) options.journal?.appendNow(line);
    notify(record.snapshot);
    if (line && !isTerminal(status)) options.journal?.append(line);
  };

  /** Applies a state change if the state machine allows it; returns whether it did. */
  let closing = false;
  const transition = (record: JobRecord, state: JobState): boolean => {
    const from = record.snapshot.state.status;
    if (closing || !canTransition(from, state.status)) return false;
    const at = now();
    record.snapshot = { ...record.snapshot, state, updatedAt: at, ...(from === 'queued' && state.status === 'running' ? { startedAt: at } : {}) };
    if (from === state.status) {
      // Progress ticks reach listeners but not the journal, which keeps only status changes.
      notify(record.snapshot);
    } else {
      publish(record);
      if (record.forgetWhenEnded && isTerminal(state.status)) jobs.delete(record.snapshot.id);
    }
    return true;
  };

  const execute = async (record: JobRecord, run: JobRunner) => {
    const { signal } = record.controller;
    // Cancelled, or stopped by close(), while queued: never started (close leaves it 'queued' = interrupted).
    if (signal.aborted) return;
    if (!transition(record, { status: 'running', progress: { fraction: 0, stage: 'Starting' } })) return;
    try {
      const result = await run({
        jobId: record.snapshot.id,
        signal,
        progress: (progress) => transition(record, { status: 'running', progress }),
      });
      transition(record, signal.aborted ? { status: 'cancelled' } : { status: 'done', ...result });
    } catch (error) {
      transition(record, signal.aborted ? { status: 'cancelled' } : { status: 'failed', error: toErrorInfo(error) });
    }
  };

  return {
    enqueue(kind, run, journalGroup) {
      if (closing) throw new UnshakeError('INTERNAL', 'Unshake is shutting down; no new jobs start.');
      const at = now();
      const record: JobRecord = {
        snapshot: { id: newId('job'), kind, state: { status: 'queued' }, createdAt: at, updatedAt: at },
        controller: new AbortController(),
        journalGroup,
      };
      const queued = record.snapshot;
      jobs.set(queued.id, record);
      publish(record);
      // No abort signal for p-queue: it would free the slot the moment a running job is cancelled,
      // and the next job would start beside one still stopping in the worker. A job cancelled
      // while queued is skipped by execute instead.
      // A batch's photos wait behind what the editor asks for: a deblur of the photo on screen
      // runs after the batch photo already running, not after the whole batch.
      if (kind === 'training') void trainingQueue.add(() => execute(record, run));
      else void queue.add(() => execute(record, run), { priority: kind === 'batch-item' ? 0 : 1 });
      // add() may start the job at once; the caller still gets the 'queued' snapshot.
      return queued;
    },
    get: (id) => jobs.get(id)?.snapshot,
    open: () => [...jobs.values()].map((record) => record.snapshot).filter((snapshot) => !isTerminal(snapshot.state.status)),
    cancel(id, stopped) {
      const record = jobs.get(id);
      if (!record || isTerminal(record.snapshot.state.status)) return false;
      // Cancelled at once for the UI; the abort then stops the worker, and anything the
      // runner reports afterwards is refused by the state machine.
      transition(record, { status: 'cancelled', ...(stopped ? { stopped } : {}) });
      record.controller.abort();
      return true;
    },
    forget(id) {
      const record = jobs.get(id);
      if (!record) return;
      // Jobs were never deleted: every batch photo's snapshot stayed until quit, and open() walked them all.
      if (isTerminal(record.snapshot.state.status)) jobs.delete(id);
      else record.forgetWhenEnded = true;
    },
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closing = true;
      for (const record of jobs.values()) record.controller.abort();
      await Promise.all([queue.onIdle(), trainingQueue.onIdle()]);
      await options.journal?.flush();
    },
  };
}
