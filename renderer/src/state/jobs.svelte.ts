import { isTerminal, type JobSnapshot } from '../../../electron/common/index.js';
import { api } from '../lib/api.js';
import type { JobNote } from '../lib/job-notes.js';
import type { JobAhead } from '../lib/job-text.js';

/**
 * Every job this window has seen, newest first, kept current by JOB_UPDATE pushes.
 * Updates may arrive before the request that started the job has even returned its id,
 * so snapshots are stored by id and matched later, never dropped.
 */
class JobsState {
  byId = $state<Record<string, JobSnapshot>>({});
  list = $derived(Object.values(this.byId).sort((a, b) => b.createdAt - a.createdAt));
  /** The deblur or batch photo the engine is running (fine-tuning has its own process and queue). */
  engineRunning = $derived(this.list.find((job) => job.kind !== 'training' && job.state.status === 'running') ?? null);
  private readonly waiters = new Map<string, Array<(job: JobSnapshot) => void>>();
  private unsubscribe: (() => void) | null = null;

  start(): void {
    this.unsubscribe ??= api.onJobUpdate((job) => this.record(job));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  record(job: JobSnapshot): void {
    const known = this.byId[job.id];
    // Pushes and polls can cross; keep whichever is newer.
    if (known && known.updatedAt > job.updatedAt) return;
    this.byId[job.id] = job;
    if (isTerminal(job.state.status)) {
      for (const resolve of this.waiters.get(job.id) ?? []) resolve(job);
      this.waiters.delete(job.id);
    }
  }

  /** What `job` waits for while queued: the engine's running job, named by its photo if it is a deblur of this window (`notes`). */
  ahead(job: JobSnapshot, notes: Readonly<Record<string, JobNote>>): JobAhead | null {
    const running = this.engineRunning;
    if (job.state.status !== 'queued' || !running) return null;
    return { kind: running.kind, fileName: notes[running.id]?.fileName };
  }

  /** Resolves with the job's final snapshot (done, failed or cancelled). */
  async settled(jobId: string): Promise<JobSnapshot> {
    // A push may have been missed between starting the job and learning its id, so poll once.
    this.record(await api.jobStatus(jobId));
    const now = this.byId[jobId];
    if (now && isTerminal(now.state.status)) return now;
    return new Promise<JobSnapshot>((resolve) => {
      this.waiters.set(jobId, [...(this.waiters.get(jobId) ?? []), resolve]);
    });
  }
}

export const jobs = new JobsState();
