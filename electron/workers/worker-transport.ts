import type { FromWorkerMessage } from './engine-protocol.js';

/** The slice of Electron's `process.parentPort` the worker uses (no electron import here). */
interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface ParentTransport {
  kind: 'utility-process' | 'child-process';
  send(message: FromWorkerMessage): void;
  onMessage(handler: (message: unknown) => void): void;
}

/**
 * One worker file runs in two hosts: an Electron utility process (messages on
 * process.parentPort) and a Node child_process.fork child (process.send), which is what the
 * tests and the e2e harness use since they have no Electron binary.
 */
export function connectToParent(): ParentTransport {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      kind: 'utility-process',
      send: (message) => parentPort.postMessage(message),
      onMessage: (handler) => parentPort.on('message', (event) => handler(event.data)),
    };
  }
  const send = process.send?.bind(process);
  if (send) {
    // Main went away: nothing left to serve, and an orphan worker would hold memory.
    process.on('disconnect', () => process.exit(0));
    return {
      kind: 'child-process',
      send: (message) => {
        // `connected` is still true while the parent's death is unread (mid-tile): the write then
        // fails with EPIPE, which without a callback is thrown as an uncaught 'error' on process.
        // A gone parent wants nothing more; 'disconnect' ends the worker.
        if (process.connected) send(message, undefined, {}, () => {});
      },
      onMessage: (handler) => process.on('message', handler),
    };
  }
  throw new Error('engine-worker must be started with utilityProcess.fork or child_process.fork');
}
