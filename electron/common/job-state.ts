import { z } from 'zod';
import { ERROR_CODES } from './error-codes.js';

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
});

export const jobStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('queued') }),
  z.object({ status: z.literal('running'), progress: jobProgressSchema }),
  z.object({ status: z.literal('done') }),
  z.object({
    status: z.literal('failed'),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
  z.object({ status: z.literal('cancelled') }),
]);

export const jobSnapshotSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  state: jobStateSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});

export type JobProgress = z.infer<typeof jobProgressSchema>;
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
