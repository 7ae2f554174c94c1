import { fork, type ChildProcess } from 'node:child_process';
import type { FromWorkerMessage } from '../../workers/engine-protocol.js';
import type { EngineClient } from './engine-client.js';
import { createProcessEngine, type ProcessEngineOptions } from './process-engine.js';
import type { WorkerHandle } from './worker-handle.js';
import { resolveWorkerEntry, type WorkerEntry } from './worker-entry.js';

export interface ChildProcessEngineOptions extends ProcessEngineOptions {
  /** Defaults to the worker next to this module (source under tsx, or the bundle). */
  entry?: WorkerEntry;
}

/** The engine as a Node child process: used by tests and the e2e harness (no Electron; the CLI runs the engine in-process). */
export function createChildProcessEngine(options: ChildProcessEngineOptions = {}): EngineClient {
  const entry = options.entry ?? resolveWorkerEntry();
  return createProcessEngine(
    () =>
      wrapChild(
        fork(entry.path, [], {
          execArgv: entry.execArgv,
          // Structured clone, so preview bytes cross as Uint8Array instead of JSON arrays.
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      ),
    options,
  );
}

function wrapChild(child: ChildProcess): WorkerHandle {
  return {
    pid: child.pid,
    postMessage: (message) => {
      child.send(message);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as FromWorkerMessage)),
    onExit: (listener) => {
      let reported = false;
      const report = (code: number | null, signal: NodeJS.Signals | null = null) => {
        if (reported) return;
        reported = true;
        listener(code, signal);
      };
      child.once('exit', (code, signal) => report(code, signal));
      // A failed spawn or a broken channel emits 'error' and may never emit 'exit'. Every send
      // into a closed channel emits one more: 'on', or the second would be an uncaught error.
      child.on('error', () => {
        child.kill('SIGKILL');
        report(child.exitCode);
      });
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}
