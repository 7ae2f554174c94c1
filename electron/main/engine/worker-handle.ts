import type { FromWorkerMessage, ToWorkerMessage } from '../../workers/engine-protocol.js';

/**
 * What the process engine needs from a worker process, whether it is a Node child
 * (child_process.fork) or an Electron utility process (utilityProcess.fork).
 */
export interface WorkerHandle {
  readonly pid: number | undefined;
  postMessage(message: ToWorkerMessage): void;
  onMessage(listener: (message: FromWorkerMessage) => void): void;
  /** Called once when the process has gone, whatever the reason: its exit code, or the signal that ended it where known. */
  onExit(listener: (code: number | null, signal?: NodeJS.Signals | null) => void): void;
  kill(): void;
}

export type SpawnWorker = () => WorkerHandle;
