import { UnshakeError } from '../errors.js';
import { resumeOptions } from './resume-hint.js';

/**
 * A stop asked for before the run's first step (while its photos are checked or the starting
 * model is measured): seen between pairs, photos and crops, so a large folder does not hold a
 * Stop for minutes. The trainer turns it into the words of stoppedBeforeTraining.
 */
export class StoppedBeforeTraining extends UnshakeError {
  constructor() {
    super('CANCELLED', 'Stopped before the first step.');
  }
}

export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StoppedBeforeTraining();
}

/** What a stop before the first (new) step kept: nothing for a new run, the checkpoint of a resumed one. */
export function stoppedBeforeTraining(outId: string, keptStep: number | null, findAgain?: readonly string[]): UnshakeError {
  return keptStep === null
    ? new UnshakeError('CANCELLED', `Training of "${outId}" was stopped before its first step: nothing was saved, so there is nothing to resume.`)
    : new UnshakeError('CANCELLED', `Training of "${outId}" was stopped before it went on; its checkpoint at step ${keptStep} is kept: continue with ${resumeOptions(outId, findAgain)}.`);
}
