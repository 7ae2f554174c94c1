import { z } from 'zod';
import { jobIdSchema } from './ipc-schemas.js';
import { pathSchema } from './path-schema.js';
import { interruptedRunSchema, newTrainingRunSchema, stoppedRunSchema, trainingRunIdSchema } from './training.js';

/**
 * The IPC contract's fine-tuning channels: part of the one contract, spread into ipcContract
 * (ipc-contract.ts), where main validates them and the preload exposes them like every other channel.
 */
export const trainingChannels = {
  /** Fine-tunes a model from the library on a folder; the new model joins the library when the job is done. */
  trainStart: {
    channel: 'train:start',
    request: newTrainingRunSchema,
    response: z.object({ jobId: jobIdSchema, runId: trainingRunIdSchema }),
    progress: true,
  },
  /**
   * Continues an interrupted (stopped, or cut off by a quit or crash) run from its last checkpoint.
   * `folder`: where the user located its folder (picked, so granted) when the recorded one is gone.
   */
  trainResume: {
    channel: 'train:resume',
    request: z.object({ runId: trainingRunIdSchema, folder: pathSchema.optional() }).strict(),
    response: z.object({ jobId: jobIdSchema, runId: trainingRunIdSchema }),
    progress: true,
  },
  /**
   * Interrupted runs that can be resumed (not those queued or running now), and the jobs of those
   * queued or running: a reloaded window shows them before their next update. `stopped`: how the
   * runs stopped in this session ended (kept a checkpoint, kept nothing, or failed).
   */
  trainingRuns: {
    channel: 'train:runs',
    request: z.object({}).strict(),
    response: z.object({ interrupted: z.array(interruptedRunSchema), underWay: z.array(jobIdSchema), stopped: z.array(stoppedRunSchema) }),
    progress: false,
  },
  discardTrainingRun: {
    channel: 'train:discard',
    request: z.object({ runId: trainingRunIdSchema }).strict(),
    response: z.object({ discarded: z.literal(true) }),
    progress: false,
  },
} as const;
