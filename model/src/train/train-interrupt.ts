import { writeSync } from 'node:fs';

/**
 * Ctrl-C while `unshake train` runs. The first asks the run to stop after the current step and
 * save a checkpoint (the trainer does that when the signal aborts); a second one exits at once
 * (130), saying that nothing was saved since the last checkpoint.
 * A SIGINT within SAME_PRESS_MS of the first counts as the same press: under `npm run` a script
 * shell that execs node (bash does) lets npm relay the terminal's SIGINT to node a second time.
 */
const SAME_PRESS_MS = 500;

/** whatWasKept: a sentence on the last checkpoint, for the second press. Returns the uninstaller. */
export function handleTrainingInterrupts(controller: AbortController, whatWasKept: () => string, samePressMs = SAME_PRESS_MS): () => void {
  let first: number | null = null;
  const onSigint = () => {
    const now = performance.now();
    // writeSync: the second press exits before an asynchronous write could finish.
    if (first === null) {
      first = now;
      writeSync(2, '\nStopping after this step and saving a checkpoint… (Ctrl-C again to stop at once without saving)\n');
      controller.abort();
    } else if (now - first >= samePressMs) {
      writeSync(2, `\nStopped at once, without saving: ${whatWasKept()}\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}
