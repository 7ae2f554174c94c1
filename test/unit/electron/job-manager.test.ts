import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canTransition, isTerminal, jobSnapshotSchema, type JobSnapshot, type JobStatus } from '../../../electron/common/job-state.js';
import { createJobJournal, readJobJournal } from '../../../electron/main/jobs/job-journal.js';
import { createJobManager, type JobContext, type JobManager } from '../../../electron/main/jobs/job-manager.js';
import { UnshakeError } from '../../../model/src/errors.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves with the job's snapshot the first time it reaches `status`. */
function reach(jobs: JobManager, id: string, status: JobStatus): Promise<JobSnapshot> {
  const now = jobs.get(id);
  if (now?.state.status === status) return Promise.resolve(now);
  return new Promise((resolve) => {
    const off = jobs.onUpdate((job) => {
      if (job.id === id && job.state.status === status) {
        off();
        resolve(job);
      }
    });
  });
}

describe('job state machine', () => {
  const ALL: JobStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled'];
  const ALLOWED = new Set([
    'queued>running', 'queued>cancelled', 'queued>failed',
    'running>running', 'running>done', 'running>failed', 'running>cancelled',
  ]);

  it.each(ALL.flatMap((from) => ALL.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
  });

  it('has exactly three terminal states', () => {
    expect(ALL.filter(isTerminal)).toEqual(['done', 'failed', 'cancelled']);
  });
});

describe('job manager', () => {
  it('runs queued → running(progress) → done and journals a batch photo’s status changes only, by id', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'unshake-jobs-')), 'jobs.jsonl');
    const jobs = createJobManager({ journal: createJobJournal(file) });
    const seen: string[] = [];
    jobs.onUpdate((job) => seen.push(job.state.status === 'running' ? `running:${job.state.progress.stage}` : job.state.status));
    const gate = deferred();
    const job = jobs.enqueue('deblur', async ({ progress }) => {
      progress({ fraction: 0.5, stage: 'Tile 1 of 2' });
      await gate.promise;
      progress({ fraction: 1, stage: 'Tile 2 of 2' });
    }, 'batch_0123456789abcdef');
    expect(job.state.status).toBe('queued');
    expect(job.id).toMatch(/^job_[a-z0-9]{8,32}$/);
    await reach(jobs, job.id, 'running');
    gate.resolve();
    await reach(jobs, job.id, 'done');
    expect(seen).toEqual(['queued', 'running:Starting', 'running:Tile 1 of 2', 'running:Tile 2 of 2', 'done']);
    await jobs.close();
    expect((await readJobJournal(file)).lines).toEqual(['queued', 'running', 'done'].map((status) => ({ job: job.id, group: 'batch_0123456789abcdef', status })));
  });

  it('keeps when a job began to run apart from when it was queued: a batch’s pace excludes its wait', async () => {
    let clock = 1_000;
    const jobs = createJobManager({ now: () => clock });
    const gate = deferred();
    const ahead = jobs.enqueue('batch-item', () => gate.promise);
    const behind = jobs.enqueue('batch-item', async () => {
      clock = 9_000;
    });
    expect(behind.startedAt).toBeUndefined();
    expect(jobs.get(behind.id)?.startedAt).toBeUndefined();
    clock = 5_000;
    gate.resolve();
    expect(await reach(jobs, ahead.id, 'done')).toMatchObject({ createdAt: 1_000, startedAt: 1_000, updatedAt: 5_000 });
    const done = await reach(jobs, behind.id, 'done');
    expect(done).toMatchObject({ createdAt: 1_000, startedAt: 5_000, updatedAt: 9_000 });
    expect(jobSnapshotSchema.parse(done).startedAt).toBe(5_000);
  });

  it('publishes what the runner produced on `done` to listeners; a job with no journal group is not journaled', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'unshake-jobs-')), 'jobs.jsonl');
    const jobs = createJobManager({ journal: createJobJournal(file) });
    const job = jobs.enqueue('deblur', async ({ jobId }) => ({ result: { previewUrl: `unshake-image://result/${jobId}`, width: 640, height: 480 } }));
    const done = { status: 'done', result: { previewUrl: `unshake-image://result/${job.id}`, width: 640, height: 480 } };
    expect((await reach(jobs, job.id, 'done')).state).toEqual(done);
    expect(jobSnapshotSchema.parse(jobs.get(job.id)).state).toEqual(done);
    await jobs.close();
    expect(await readJobJournal(file)).toEqual({ lines: [], unreadableBatches: [] });
  });

  it('a job cancelled while it finishes ends cancelled, without the result it returned', async () => {
    const jobs = createJobManager();
    const started = deferred<JobContext>();
    const finish = deferred();
    const job = jobs.enqueue('deblur', async (context) => {
      started.resolve(context);
      await finish.promise;
      return { result: { previewUrl: `unshake-image://result/${context.jobId}`, width: 8, height: 8 } };
    });
    await started.promise;
    expect(jobs.cancel(job.id)).toBe(true);
    finish.resolve();
    await jobs.close();
    expect(jobs.get(job.id)?.state).toEqual({ status: 'cancelled' });
  });

  it('runs one job at a time, in order', async () => {
    const jobs = createJobManager();
    const order: string[] = [];
    const firstGate = deferred();
    const a = jobs.enqueue('deblur', async () => {
      order.push('a:start');
      await firstGate.promise;
      order.push('a:end');
    });
    const b = jobs.enqueue('deblur', async () => {
      order.push('b:start');
    });
    await reach(jobs, a.id, 'running');
    expect(jobs.get(b.id)?.state.status).toBe('queued');
    firstGate.resolve();
    await reach(jobs, b.id, 'done');
    expect(order).toEqual(['a:start', 'a:end', 'b:start']);
  });

  it('runs a training job beside the deblurs, and a second training run after the first', async () => {
    const jobs = createJobManager();
    const trainingGate = deferred();
    const first = jobs.enqueue('training', () => trainingGate.promise);
    const second = jobs.enqueue('training', async () => {});
    const deblur = jobs.enqueue('deblur', async () => {});
    await reach(jobs, deblur.id, 'done');
    expect(jobs.get(first.id)?.state.status).toBe('running');
    expect(jobs.get(second.id)?.state.status).toBe('queued');
    trainingGate.resolve();
    await reach(jobs, second.id, 'done');
  });

  /**
   * Job A, running, like a worker inside one long ORT call: it notices the abort only when
   * `stopped` resolves. Job B queued behind it. A is cancelled.
   */
  async function cancelStuckJob() {
    const jobs = createJobManager();
    const started = deferred<JobContext>();
    const stopped = deferred();
    const order: string[] = [];
    const a = jobs.enqueue('deblur', async (context) => {
      started.resolve(context);
      await stopped.promise;
      order.push('a:stopped');
    });
    const b = jobs.enqueue('deblur', async () => {
      order.push('b:start');
    });
    await started.promise;
    expect(jobs.cancel(a.id)).toBe(true);
    return { jobs, a, b, stopped, order };
  }

  /** Every chance for p-queue to start the next job early (it did while it held A's abort signal). */
  async function settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }

  it('close() waits for a cancelled job’s runner to stop, and starts nothing queued', async () => {
    const { jobs, a, b, stopped, order } = await cancelStuckJob();
    const closing = jobs.close();
    let closed = false;
    void closing.then(() => (closed = true));
    await settle();
    expect(jobs.get(b.id)?.state.status).toBe('queued');
    expect(closed).toBe(false);
    stopped.resolve();
    await closing;
    expect(order).toEqual(['a:stopped']);
    expect(jobs.get(a.id)?.state.status).toBe('cancelled');
  });

  it('after a cancel, the next job starts only once the cancelled runner has returned', async () => {
    const { jobs, b, stopped, order } = await cancelStuckJob();
    await settle();
    expect(jobs.get(b.id)?.state.status).toBe('queued');
    stopped.resolve();
    await reach(jobs, b.id, 'done');
    expect(order).toEqual(['a:stopped', 'b:start']);
    await jobs.close();
  });

  it('cancels a queued job without ever running it', async () => {
    const jobs = createJobManager();
    const gate = deferred();
    const a = jobs.enqueue('deblur', () => gate.promise);
    let bRan = false;
    const b = jobs.enqueue('deblur', async () => {
      bRan = true;
    });
    await reach(jobs, a.id, 'running');
    expect(jobs.cancel(b.id)).toBe(true);
    expect(jobs.get(b.id)?.state.status).toBe('cancelled');
    gate.resolve();
    await reach(jobs, a.id, 'done');
    await jobs.close();
    expect(bRan).toBe(false);
    expect(jobs.cancel(b.id)).toBe(false);
  });

  it('a job the app stops ends cancelled with why, never run, and its state passes the schema', async () => {
    const jobs = createJobManager();
    const gate = deferred();
    const a = jobs.enqueue('batch-item', () => gate.promise);
    let bRan = false;
    const b = jobs.enqueue('batch-item', async () => {
      bRan = true;
    });
    await reach(jobs, a.id, 'running');
    expect(jobs.cancel(b.id, 'disk-full')).toBe(true);
    expect(jobs.get(b.id)?.state).toEqual({ status: 'cancelled', stopped: 'disk-full' });
    expect(jobSnapshotSchema.parse(jobs.get(b.id)).state).toEqual({ status: 'cancelled', stopped: 'disk-full' });
    gate.resolve();
    await reach(jobs, a.id, 'done');
    await jobs.close();
    expect(bRan).toBe(false);
  });

  it('cancels a running job through its signal and ignores what it reports afterwards', async () => {
    const jobs = createJobManager();
    const started = deferred<JobContext>();
    const job = jobs.enqueue('deblur', (context) => {
      started.resolve(context);
      return new Promise<void>((_resolve, reject) => {
        context.signal.addEventListener('abort', () => reject(new UnshakeError('CANCELLED', 'stopped')));
      });
    });
    const context = await started.promise;
    expect(jobs.cancel(job.id)).toBe(true);
    expect(context.signal.aborted).toBe(true);
    expect(jobs.get(job.id)?.state.status).toBe('cancelled');
    context.progress({ fraction: 0.9, stage: 'late' });
    await jobs.close();
    expect(jobs.get(job.id)?.state).toEqual({ status: 'cancelled' });
  });

  it('fails with the error code and message of what went wrong', async () => {
    const jobs = createJobManager();
    const bad = jobs.enqueue('deblur', async () => {
      throw new UnshakeError('CORRUPT_IMAGE', 'The file is damaged.');
    });
    const broken = jobs.enqueue('deblur', async () => {
      throw new RangeError('index out of range');
    });
    expect((await reach(jobs, bad.id, 'failed')).state).toEqual({
      status: 'failed',
      error: { code: 'CORRUPT_IMAGE', message: 'The file is damaged.' },
    });
    const failed = await reach(jobs, broken.id, 'failed');
    expect(failed.state.status === 'failed' && failed.state.error.code).toBe('INTERNAL');
    expect(jobs.cancel(bad.id)).toBe(false);
  });

  it('on close, stops jobs but journals them as interrupted (queued/running), not cancelled', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'unshake-jobs-')), 'jobs.jsonl');
    const jobs = createJobManager({ journal: createJobJournal(file) });
    const started = deferred<JobContext>();
    const running = jobs.enqueue('batch-item', (context) => {
      started.resolve(context);
      return new Promise<void>((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    }, 'batch_0123456789abcdef');
    const waiting = jobs.enqueue('batch-item', async () => {}, 'batch_0123456789abcdef');
    const context = await started.promise;
    await jobs.close();
    expect(context.signal.aborted).toBe(true);
    const last = new Map((await readJobJournal(file)).lines.flatMap((e) => ('job' in e ? [[e.job, e.status]] : [])));
    expect(last.get(running.id)).toBe('running');
    expect(last.get(waiting.id)).toBe('queued');
    expect(() => jobs.enqueue('deblur', async () => {})).toThrow(UnshakeError);
  });

  it('forgets an ended job at once, and a running one once it ends (its listeners hear the end first)', async () => {
    const jobs = createJobManager();
    const ended = jobs.enqueue('batch-item', async () => {});
    await reach(jobs, ended.id, 'done');
    jobs.forget(ended.id);
    expect(jobs.get(ended.id)).toBeUndefined();
    const gate = deferred();
    const running = jobs.enqueue('batch-item', () => gate.promise);
    await reach(jobs, running.id, 'running');
    jobs.forget(running.id);
    expect(jobs.get(running.id)?.state.status).toBe('running');
    const heard: string[] = [];
    jobs.onUpdate((job) => heard.push(`${job.state.status}:${jobs.get(job.id) ? 'known' : 'gone'}`));
    gate.resolve();
    await reach(jobs, running.id, 'done');
    expect(heard).toEqual(['done:known']);
    expect(jobs.get(running.id)).toBeUndefined();
    expect(jobs.open()).toEqual([]);
    await jobs.close();
  });

  it('keeps going when a listener throws', async () => {
    const jobs = createJobManager();
    jobs.onUpdate(() => {
      throw new Error('listener bug');
    });
    const job = jobs.enqueue('deblur', async ({ progress }) => progress({ fraction: 1, stage: 'x' }));
    expect((await reach(jobs, job.id, 'done')).state.status).toBe('done');
  });
});
