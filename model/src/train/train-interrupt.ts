import { EXIT_CODES, STOP_SIGNALS, writeStderr, type StopSignal } from '../cli/interrupt-cleanup.js';

/**
 * Ctrl-C (SIGINT), SIGTERM (`timeout`, `systemctl stop`, kill) or SIGHUP (a closed terminal, a
 * dropped ssh session) while `unshake train` runs. The first asks the run to stop after the
 * current step and save a checkpoint (the trainer does that when the signal aborts); a second
 * one exits at once (EXIT_CODES), saying that nothing was saved since the last checkpoint.
 * A signal within SAME_PRESS_MS of the first counts as the same one: under `npm run` a script
 * shell that execs node (bash does) lets npm relay the terminal's SIGINT to node a second time,
 * and `timeout` signals its process group while npm relays the SIGTERM as well.
 */
const SAME_PRESS_MS = 500;

export interface TrainingInterrupts {
  /** The signal that asked the run to stop, if any: the command exits with its code. */
  received(): StopSignal | undefined;
  uninstall(): void;
}

/** whatWasKept: a sentence on the last checkpoint, for the second signal. */
export function handleTrainingInterrupts(controller: AbortController, whatWasKept: () => string, samePressMs = SAME_PRESS_MS): TrainingInterrupts {
  let first: { at: number; signal: StopSignal } | null = null;
  // After SIGHUP the terminal may be gone (EIO): the checkpoint matters more than the lines about it.
  const ignore = () => {};
  const onSignal = (signal: StopSignal) => {
    const now = performance.now();
    // Synchronous writes: the second signal exits before an asynchronous write could finish.
    if (first === null) {
      first = { at: now, signal };
      if (signal === 'SIGHUP') process.stderr.on('error', ignore);
      const again = signal === 'SIGINT' ? 'Ctrl-C again' : 'the signal again';
      writeStderr(`\nStopping after this step and saving a checkpoint${signal === 'SIGINT' ? '' : ` (${signal})`}… (${again} to stop at once without saving)\n`);
      controller.abort();
    } else if (now - first.at >= samePressMs) {
      writeStderr(`\nStopped at once, without saving: ${whatWasKept()}\n`);
      process.exit(EXIT_CODES[signal]);
    }
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return {
    received: () => first?.signal,
    uninstall: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
