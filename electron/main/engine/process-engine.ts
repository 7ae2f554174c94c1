import type { JobProgress } from '../../common/job-state.js';
import { UnshakeError } from '../../../model/src/errors.js';
import type { FromWorkerMessage, ToWorkerMessage } from '../../workers/engine-protocol.js';
import type { EngineClient } from './engine-client.js';
import type { SpawnWorker, WorkerHandle } from './worker-handle.js';

export interface ProcessEngineOptions {
  /** How long a cancelled request may take to stop before the worker is killed (ms). */
  cancelGraceMs?: number;
  /** How long a new worker may take to say it is ready (ms). */
  startTimeoutMs?: number;
}

/**
 * The training process: a stopped run saves a checkpoint after the step it is in, which on a
 * CPU-bound backend can take a minute or more, so it gets that long before it is killed (the last
 * interval checkpoint is then what resumes).
 */
export const TRAINING_ENGINE_OPTIONS: ProcessEngineOptions = { cancelGraceMs: 180_000 };

interface Pending {
  resolve(value: unknown): void;
  reject(error: UnshakeError): void;
  onProgress?: (progress: JobProgress) => void;
}

interface LiveWorker {
  handle: WorkerHandle;
  ready: boolean;
  /** Messages posted before the worker said "ready" (its listener may not exist yet). */
  backlog: ToWorkerMessage[];
  exited: Promise<void>;
}

/**
 * id-tagged request/response over one worker process, started on demand. If the process dies,
 * its requests fail with WORKER_CRASHED and the next request starts a fresh one.
 */
export function createProcessEngine(spawn: SpawnWorker, options: ProcessEngineOptions = {}): EngineClient {
  const cancelGraceMs = options.cancelGraceMs ?? 15_000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const pending = new Map<number, Pending>();
  let live: LiveWorker | null = null;
  let nextId = 1;
  let closed = false;

  const failAll = (error: UnshakeError) => {
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };

  const onMessage = (worker: LiveWorker, message: FromWorkerMessage) => {
    if (message.type === 'ready') {
      worker.ready = true;
      for (const queued of worker.backlog.splice(0)) worker.handle.postMessage(queued);
      return;
    }
    const entry = pending.get(message.id);
    if (!entry) return;
    if (message.type === 'progress') {
      entry.onProgress?.(message.progress);
      return;
    }
    pending.delete(message.id);
    if (message.type === 'result') entry.resolve(message.value);
    else entry.reject(new UnshakeError(message.error.code, message.error.message));
  };

  /**
   * Detaches a worker at once (the next request starts a fresh one, even before this one has
   * exited), fails its requests, and kills it if it still runs.
   */
  const retire = (worker: LiveWorker, why: string) => {
    if (live === worker) {
      live = null;
      failAll(new UnshakeError('WORKER_CRASHED', `The engine process ${why}; it will restart for the next job.`));
    }
    worker.handle.kill();
  };

  const start = (): LiveWorker => {
    const handle = spawn();
    let markExited: () => void = () => {};
    const worker: LiveWorker = { handle, ready: false, backlog: [], exited: new Promise((r) => (markExited = r)) };
    const startTimer = setTimeout(() => {
      if (!worker.ready) retire(worker, 'could not start in time');
    }, startTimeoutMs);
    handle.onMessage((message) => onMessage(worker, message));
    handle.onExit((code, signal) => {
      clearTimeout(startTimer);
      markExited();
      retire(worker, worker.ready ? howItEnded(code, signal) : 'could not start');
    });
    return worker;
  };

  const post = (message: ToWorkerMessage) => {
    if (!live) live = start();
    if (!live.ready) {
      live.backlog.push(message);
      return;
    }
    try {
      live.handle.postMessage(message);
    } catch {
      // The channel closed under us: treat it like a crash so the next request restarts.
      retire(live, 'stopped answering');
    }
  };

  const abortRequest = (id: number) => {
    if (!pending.has(id)) return;
    post({ type: 'cancel', id });
    const worker = live;
    const timer = setTimeout(() => {
      const entry = pending.get(id);
      if (!entry) return;
      // The worker did not stop in time (e.g. stuck in one long inference call): kill it.
      pending.delete(id);
      entry.reject(new UnshakeError('CANCELLED', 'The job was cancelled.'));
      if (worker) retire(worker, 'did not stop when a job was cancelled and was restarted');
    }, cancelGraceMs);
    timer.unref();
  };

  return {
    request(command, payload, requestOptions = {}) {
      if (closed) return Promise.reject(new UnshakeError('INTERNAL', 'The engine has been shut down.'));
      const { signal, onProgress } = requestOptions;
      if (signal?.aborted) return Promise.reject(new UnshakeError('CANCELLED', 'The job was cancelled.'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const onAbort = () => abortRequest(id);
        const done = () => signal?.removeEventListener('abort', onAbort);
        pending.set(id, {
          resolve: (value) => (done(), resolve(value as never)),
          reject: (error) => (done(), reject(error)),
          onProgress,
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          post({ type: 'request', id, command, payload });
        } catch (error) {
          // spawn() itself threw (e.g. the worker file is gone): nothing is running.
          pending.delete(id);
          done();
          reject(new UnshakeError('WORKER_CRASHED', 'The engine process could not be started.', { cause: error }));
        }
      });
    },
    workerPid: () => live?.handle.pid,
    async close() {
      closed = true;
      failAll(new UnshakeError('CANCELLED', 'The engine is shutting down.'));
      const worker = live;
      live = null;
      if (!worker) return;
      worker.handle.kill();
      // Quitting must end even if the process never reports its exit.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_WAIT_MS)));
      await Promise.race([worker.exited, gaveUp]);
      clearTimeout(timer);
    },
  };
}

/** How long close() waits for a killed worker's exit before it stops waiting. */
const EXIT_WAIT_MS = 5_000;

/** Why the worker went, in words: "exit code signal" said nothing, and SIGKILL is most often the system out of memory. */
function howItEnded(code: number | null, signal: NodeJS.Signals | null | undefined): string {
  if (signal === 'SIGKILL') return 'was stopped by the system (SIGKILL), most often because the computer ran out of memory';
  if (signal) return `was stopped by the signal ${signal}`;
  return code === null ? 'stopped unexpectedly' : `stopped unexpectedly (exit code ${code})`;
}
