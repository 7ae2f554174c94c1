import type { StopReason } from '../../common/job-state.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { isStopped, stopAfterFailure } from '../../../model/src/image/result-destination.js';

/** What one photo's failure means for the photos of its batch left: which it stops, why, and the error its own job ends with. */
export interface BatchFailureStop {
  reason: StopReason;
  stops: (output: string) => boolean;
  error: UnshakeError;
}

/**
 * After a batch photo failed: whether the photos left would fail alike. A full disk or an
 * unusable model stops them all; a folder that cannot be written now only its own, as when planned.
 * Their jobs end as stopped, not cancelled: the user cancelled nothing, and Run again does them.
 */
export async function failureStop(error: unknown, output: string, { mayMake, modelId }: { mayMake: boolean; modelId: string }): Promise<BatchFailureStop | null> {
  const stop = await stopAfterFailure(error, output, { mayMake });
  if (stop?.scope === 'all') {
    const message = `${(error as Error).message} The rest of the batch was stopped: Run again once there is space.`;
    return { reason: 'disk-full', stops: () => true, error: new UnshakeError('WRITE_FAILED', message, { cause: error }) };
  }
  if (stop) {
    const message = `${stop.words}. Its other photos in this batch were stopped: Run again once it can be written.`;
    return { reason: 'folder-unwritable', stops: (other) => isStopped(stop, other), error: new UnshakeError('WRITE_FAILED', message, { cause: error }) };
  }
  // The model was found before the batch was queued: failing now, it cannot be used for any
  // photo (removed or changed meanwhile, or a file ONNX Runtime cannot load).
  const gone = modelGone(error, modelId);
  return gone ? { reason: 'model-unusable', stops: () => true, error: gone } : null;
}

/** A model problem met by a photo of a batch: the whole batch's, said once. */
function modelGone(error: unknown, modelId: string): UnshakeError | null {
  if (!(error instanceof UnshakeError) || (error.code !== 'MODEL_NOT_FOUND' && error.code !== 'MODEL_INVALID')) return null;
  return new UnshakeError(
    error.code,
    `The model "${modelId}" cannot be used (${error.message.replace(/\.$/, '')}). ` +
      'The rest of the batch was stopped: Run again once the model is back or repaired, or drop the folder again with another model.',
    { cause: error },
  );
}
