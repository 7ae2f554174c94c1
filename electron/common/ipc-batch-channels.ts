import { z } from 'zod';
import { batchRunIdSchema, batchStartedSchema, errorInfoSchema, jobIdSchema } from './ipc-schemas.js';
import { jobSnapshotSchema } from './job-state.js';
import { modelIdSchema } from './model-id.js';
import { pathSchema } from './path-schema.js';

/**
 * The IPC contract's batch channels (job:batch and what the batch panel does with a batch): part
 * of the one contract, spread into ipcContract (ipc-contract.ts), where main validates them and
 * the preload exposes them like every other channel.
 */
export const batchChannels = {
  batch: {
    channel: 'job:batch',
    request: z
      .object({
        /** Photos and folders (a folder: its photos, not its subfolders). */
        paths: z.array(pathSchema).min(1).max(10_000),
        strength: z.number().min(0).max(1),
        modelId: modelIdSchema,
        /** What was dropped, for people ("Holiday", "3 items"): shown again after a reload. */
        title: z.string().min(1).max(300).optional(),
        /**
         * Run again: the runId of the batch this finishes. Its output settings (format, quality,
         * where results go, suffix: BATCH_OUTPUT_SETTINGS) are used again, not today's, so its
         * photos come out alike; the graphics-card choice and photo limit are today's.
         */
        again: z.string().min(1).max(100).optional(),
      })
      .strict(),
    response: batchStartedSchema,
    progress: true,
  },
  /**
   * Batches an earlier session left unfinished (the app crashed, was killed or quit mid-batch),
   * from the job journal: each can be resumed or dismissed.
   */
  interruptedBatches: {
    channel: 'job:batch-interrupted',
    request: z.object({}).strict(),
    response: z.array(
      z.object({
        runId: batchRunIdSchema,
        title: z.string(),
        paths: z.array(z.string()),
        strength: z.number(),
        modelId: z.string(),
        /** Photos in the batch, and those of them done when it stopped. */
        photos: z.number().int().nonnegative(),
        done: z.number().int().nonnegative(),
        /** Photos the user cancelled before it stopped: a resume leaves them out. */
        cancelled: z.number().int().nonnegative(),
        /** When it started (ms since 1970). */
        startedAt: z.number(),
      }),
    ),
    progress: false,
  },
  /**
   * Why an interrupted batch in the job journal could not be offered (another version's record, a
   * damaged journal), and where it was kept; told once (a reload does not repeat it).
   */
  journalNotice: {
    channel: 'job:journal-notice',
    request: z.object({}).strict(),
    response: z.object({ notice: errorInfoSchema.nullable() }),
    progress: false,
  },
  /**
   * Runs an interrupted batch again with the output settings it started with (format, quality,
   * where and how results are named) but today's processor choice and photo limit: photos whose
   * result is there are skipped, and photos the user cancelled are left out. Answers as job:batch
   * does, with the paths it runs (those still there).
   */
  resumeBatch: {
    channel: 'job:batch-resume',
    request: z.object({ runId: batchRunIdSchema }).strict(),
    response: batchStartedSchema.extend({ paths: z.array(z.string()) }),
    progress: true,
  },
  /** Stops offering an interrupted batch (its results stay where they were written). */
  dismissBatch: {
    channel: 'job:batch-dismiss',
    request: z.object({ runId: batchRunIdSchema }).strict(),
    response: z.object({ dismissed: z.literal(true) }),
    progress: false,
  },
  /**
   * Cancel batch: every photo of the batch not yet ended, in one request, so none of them starts
   * between one photo's cancel and the next's (the running one stops; done ones stay).
   */
  cancelBatch: {
    channel: 'job:batch-cancel',
    request: z.object({ runId: batchRunIdSchema }).strict(),
    /** How many of its photos were still queued or running (0: it had ended). */
    response: z.object({ cancelled: z.number().int().nonnegative() }),
    progress: false,
  },
  /** The session's latest batches, under way or ended, with their jobs as they stand: a reloaded window shows them again. */
  batchRuns: {
    channel: 'job:batch-runs',
    request: z.object({}).strict(),
    response: z.array(
      z.object({
        runId: z.string(),
        title: z.string(),
        /** What was dropped, and what it runs with: the window can run it again for what is left. */
        paths: z.array(z.string()),
        strength: z.number(),
        modelId: z.string(),
        items: z.array(z.object({ jobId: jobIdSchema, input: z.string(), output: z.string() })),
        alreadyDone: z.array(z.object({ input: z.string(), output: z.string() })),
        subfoldersLeftOut: z.number().int().nonnegative(),
        leftOut: z.array(z.string()),
        jobs: z.array(jobSnapshotSchema),
      }),
    ),
    progress: false,
  },
} as const;
