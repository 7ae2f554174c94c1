import { rm } from 'node:fs/promises';
import type { JobSnapshot } from '../../common/job-state.js';
import type { JobResult } from './context.js';
import type { HeldResult } from './result-policy.js';

/** A held result handed to one reader (a save, a preview, a 100 % crop): its file stays until release(). */
export interface ResultLease {
  result: JobResult;
  /** Its file's size when the deblur wrote it: another size now means it was cut short or replaced. */
  bytes: number;
  release(): void;
}

export interface ResultStore {
  /** What the folder may hold before other photos' oldest results go (prune-results.ts). */
  readonly budgetBytes: number;
  add(jobId: string, result: JobResult, bytes: number): void;
  /** The result, while it is kept. */
  get(jobId: string): JobResult | undefined;
  /** Its file is kept at least until the lease is released; undefined when the result is not kept. */
  lease(jobId: string): ResultLease | undefined;
  /** Held results, oldest first. */
  held(): HeldResult[];
  /** Results a lease holds now. */
  reading(): Set<string>;
  /**
   * Forgets the results at once (no new lease, preview or save) and deletes their files, each once
   * its last reader is done; resolves when those not being read are deleted. `lost`: their files
   * were found deleted or cut short (result-read.ts), which their jobs then say.
   */
  remove(jobIds: readonly string[], options?: { lost?: boolean }): Promise<void>;
  /** The photo whose result was removed because its file was found deleted or cut short; else undefined. */
  lostSource(jobId: string): string | undefined;
  /** A done job as the window should see it: flagged, and without its preview, once its result is removed. */
  view(job: JobSnapshot): JobSnapshot;
  onRemoved(listener: (jobId: string) => void): () => void;
}

interface Entry {
  result: JobResult;
  bytes: number;
  readers: number;
  /** Removed: no new reader; its file goes when `readers` falls to 0. */
  removed: boolean;
}

/**
 * The editor's deblur results on disk and who is reading them. Removing one never pulls the file
 * from under a save being written or a preview being made: it waits for their leases.
 */
export function createResultStore(options: { budgetBytes: number; forgetPreview(jobId: string): void }): ResultStore {
  const entries = new Map<string, Entry>();
  /** When each removed result went, and whether its file was lost: its job's card says it is no longer kept. */
  const removedAt = new Map<string, { at: number; lostSource?: string }>();
  const listeners = new Set<(jobId: string) => void>();
  const kept = (jobId: string) => {
    const entry = entries.get(jobId);
    return entry && !entry.removed ? entry : undefined;
  };
  const deleteFile = async (jobId: string, entry: Entry) => {
    entries.delete(jobId);
    await rm(entry.result.resultPath, { force: true }).catch((error: unknown) => console.warn(`[results] could not delete ${entry.result.resultPath}:`, error));
  };
  return {
    budgetBytes: options.budgetBytes,
    add(jobId, result, bytes) {
      entries.set(jobId, { result, bytes, readers: 0, removed: false });
    },
    get: (jobId) => kept(jobId)?.result,
    lease(jobId) {
      const entry = kept(jobId);
      if (!entry) return undefined;
      entry.readers += 1;
      let released = false;
      return {
        result: entry.result,
        bytes: entry.bytes,
        release() {
          if (released) return;
          released = true;
          entry.readers -= 1;
          if (entry.readers === 0 && entry.removed) void deleteFile(jobId, entry);
        },
      };
    },
    held: () => [...entries].flatMap(([jobId, entry]) => (entry.removed ? [] : [{ jobId, imageId: entry.result.imageId, bytes: entry.bytes }])),
    reading: () => new Set([...entries].flatMap(([jobId, entry]) => (entry.readers > 0 ? [jobId] : []))),
    async remove(jobIds, { lost = false } = {}) {
      const deleting: Promise<void>[] = [];
      for (const jobId of jobIds) {
        const entry = kept(jobId);
        if (!entry) continue;
        entry.removed = true;
        removedAt.set(jobId, { at: Date.now(), ...(lost ? { lostSource: entry.result.sourcePath } : {}) });
        options.forgetPreview(jobId);
        if (entry.readers === 0) deleting.push(deleteFile(jobId, entry));
        for (const listener of listeners) listener(jobId);
      }
      await Promise.all(deleting);
    },
    lostSource: (jobId) => removedAt.get(jobId)?.lostSource,
    view(job) {
      const removed = removedAt.get(job.id);
      if (removed === undefined || job.state.status !== 'done') return job;
      const { notes } = job.state;
      const state = { status: 'done' as const, ...(notes ? { notes } : {}), resultRemoved: true as const, ...(removed.lostSource ? { resultLost: true as const } : {}) };
      return { ...job, state, updatedAt: Math.max(removed.at, job.updatedAt) };
    },
    onRemoved(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
