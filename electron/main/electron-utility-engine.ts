import { utilityProcess } from 'electron';
import type { FromWorkerMessage } from '../workers/engine-protocol.js';
import type { EngineClient } from './engine/engine-client.js';
import { createProcessEngine, type ProcessEngineOptions } from './engine/process-engine.js';
import { resolveWorkerEntry } from './engine/worker-entry.js';

/**
 * The engine as an Electron utility process (the packaged app): ORT and sharp stay off the
 * main thread, and a native crash takes down only this process.
 */
export function createUtilityProcessEngine(options: ProcessEngineOptions & { serviceName?: string } = {}): EngineClient {
  const entry = resolveWorkerEntry();
  return createProcessEngine(() => {
    const child = utilityProcess.fork(entry.path, [], {
      serviceName: options.serviceName ?? 'Unshake engine',
      stdio: 'inherit',
      execArgv: entry.execArgv,
    });
    // A V8 fatal error in the worker: 'exit' follows whatever happens, and the engine restarts
    // from there; listened to so it is logged with its location (an EventEmitter 'error' with
    // no listener would throw in main).
    child.on('error', (type, location) => console.error(`[engine] worker ${type} at ${location}`));
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', (message: FromWorkerMessage) => listener(message)),
      onExit: (listener) => {
        child.once('exit', (code) => listener(code));
      },
      kill: () => {
        // Before it has spawned, kill() does nothing (Electron returns false): kill it once it has.
        if (child.pid === undefined) child.once('spawn', () => child.kill());
        else child.kill();
      },
    };
  }, options);
}
