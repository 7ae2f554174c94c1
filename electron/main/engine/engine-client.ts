import type { JobProgress } from '../../common/job-state.js';
import type { EngineCommand, EngineRequest, EngineResponse } from '../../workers/engine-protocol.js';

export type { EngineCommand, EngineRequest, EngineResponse } from '../../workers/engine-protocol.js';

export interface EngineRequestOptions {
  /** Aborting sends `cancel` to the worker; the request then rejects with CANCELLED. */
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
}

/**
 * Main's handle on the engine process. Requests are id-tagged and may overlap; failures
 * reject with UnshakeError (the worker's code, or WORKER_CRASHED if the process died).
 */
export interface EngineClient {
  request<T extends EngineCommand>(command: T, payload: EngineRequest<T>, options?: EngineRequestOptions): Promise<EngineResponse<T>>;
  /** pid of the live worker process; undefined until the first request starts one. */
  workerPid(): number | undefined;
  /** Stops the worker; pending requests reject. Idempotent. */
  close(): Promise<void>;
}
