import { z } from 'zod';
import { ERROR_CODES } from './error-codes.js';
import { trainedModelSchema } from './training.js';

/**
 * The one job state machine shared by single deblurs, batch items and training runs:
 * queued → running(progress) → done | failed(code, message) | cancelled.
 */
export const JOB_KINDS = ['deblur', 'batch-item', 'training'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const jobProgressSchema = z.object({
  /** 0..1 */
  fraction: z.number().min(0).max(1),
  /** Short human stage, e.g. "Decoding", "Tile 3 of 12". */
  stage: z.string(),
  /** Lines that stay true while the job runs (a training run's backend, data and latest scores). */
  detail: z.array(z.string().max(2000)).max(8).optional(),
});

/**
 * What a finished deblur produced, for before/after before any Save: a screen-size preview
 * served by main's image protocol (never a file path) and its pixel size.
 */
export const jobResultPreviewSchema = z
  .object({
    // Only main's own protocol, for this kind of id: a reply can never point the page at file://.
    previewUrl: z.string().regex(/^unshake-image:\/\/result\/job_[a-z0-9]{8,32}$/, 'not a result preview URL'),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  })
  .strict();

/**
 * Why the app, not the user, cancelled a batch's photo: a photo before it failed in a way every
 * photo left would (a full disk, its results folder no longer writable, the model unusable). Such
 * a photo is not done: Run again and a resume deblur it, and the Batch panel never calls it cancelled.
 */
export const STOP_REASONS = ['disk-full', 'folder-unwritable', 'model-unusable'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const jobStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('queued') }),
  z.object({ status: z.literal('running'), progress: jobProgressSchema }),
  // The result lives on `done` itself, so no other state can carry one.
  z.object({
    status: z.literal('done'),
    result: jobResultPreviewSchema.optional(),
    model: trainedModelSchema.optional(),
    /** What the result leaves out of its photo (other pages, an extra channel, float highlights…), in words. */
    notes: z.array(z.string().max(2000)).max(8).optional(),
    /**
     * Main no longer keeps this deblur's result (an older one of its photo, its photo forgotten,
     * the results folder over its size budget, or its file found gone): it can be neither shown
     * nor saved; deblur again.
     */
    resultRemoved: z.literal(true).optional(),
    /** With `resultRemoved`: its file was found deleted or cut short when main last read it, not dropped by main. */
    resultLost: z.literal(true).optional(),
  }),
  z.object({
    status: z.literal('failed'),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
  z.object({ status: z.literal('cancelled'), stopped: z.enum(STOP_REASONS).optional() }),
]);

export const jobSnapshotSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  state: jobStateSchema,
  createdAt: z.number(),
  /** When it began to run (absent while queued, and for one cancelled before it ran): how long a photo took excludes its wait. */
  startedAt: z.number().optional(),
  updatedAt: z.number(),
});

export type JobProgress = z.infer<typeof jobProgressSchema>;
export type JobResultPreview = z.infer<typeof jobResultPreviewSchema>;
export type JobState = z.infer<typeof jobStateSchema>;
export type JobStatus = JobState['status'];
export type JobSnapshot = z.infer<typeof jobSnapshotSchema>;

const NEXT: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['running', 'done', 'failed', 'cancelled'],
  done: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(status: JobStatus): boolean {
  return NEXT[status].length === 0;
}
