import { toErrorInfo, UnshakeError } from '../../model/src/errors.js';
import { retireIdleSessions, runEngineCommand } from './engine-handlers.js';
import { toWorkerMessageSchema } from './engine-protocol.js';
import { connectToParent } from './worker-transport.js';

/**
 * Engine process entry: a thin adapter from id-tagged messages to the model/ services.
 * Every request is answered by exactly one result or error; a bad file or bad message is an
 * error reply, never a dead process.
 */
const transport = connectToParent();
const inFlight = new Map<number, AbortController>();
/**
 * After this long with no request, the ORT sessions are let go (retireIdleSessions): an app left
 * open keeps its engine at ~250 MB instead of the ~1 GB ORT's arena grows to. Back-to-back work
 * (a batch, a deblur then its save) never waits for a new session.
 */
const IDLE_RELEASE_MS = 30_000;
let idleTimer: NodeJS.Timeout | undefined;

process.on('unhandledRejection', (reason) => {
  // A stray rejection from a library must not take down every other request.
  console.error('[engine-worker] unhandled rejection:', reason);
});

transport.onMessage((raw) => {
  const parsed = toWorkerMessageSchema.safeParse(raw);
  if (!parsed.success) {
    console.error('[engine-worker] ignoring malformed message:', parsed.error.message);
    return;
  }
  const message = parsed.data;
  if (message.type === 'cancel') {
    inFlight.get(message.id)?.abort();
    return;
  }
  const { id, command, payload } = message;
  clearTimeout(idleTimer);
  const controller = new AbortController();
  inFlight.set(id, controller);
  runEngineCommand(command, payload, {
    signal: controller.signal,
    onProgress: (progress) => transport.send({ type: 'progress', id, progress }),
  })
    .then((value) => transport.send({ type: 'result', id, value }))
    .catch((error: unknown) => {
      const info = controller.signal.aborted
        ? new UnshakeError('CANCELLED', 'The job was cancelled.').toInfo()
        : toErrorInfo(error);
      transport.send({ type: 'error', id, error: info });
    })
    .finally(() => {
      inFlight.delete(id);
      if (inFlight.size > 0) return;
      idleTimer = setTimeout(() => void retireIdleSessions(), IDLE_RELEASE_MS);
      idleTimer.unref();
    });
});

transport.send({ type: 'ready', pid: process.pid });
