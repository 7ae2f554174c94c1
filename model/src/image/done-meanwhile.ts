import { UnshakeError } from '../errors.js';
import { findResult, type BatchItem, type ResultSearch } from './batch-results.js';

/**
 * The result another run wrote while this one deblurred the same photo (two batches on one
 * folder, the app and the CLI): the publish was refused (OUTPUT_EXISTS, nothing is ever replaced)
 * and the file there now is this photo's. Null when the refusal had another cause: a failure.
 */
export async function doneMeanwhile(error: unknown, item: BatchItem, search: ResultSearch): Promise<string | null> {
  if (!(error instanceof UnshakeError && error.code === 'OUTPUT_EXISTS')) return null;
  // Listed afresh: the other run's result was written after the batch's listing.
  const { listing: _batchListing, ...fresh } = search;
  const found = await findResult(item, fresh);
  return 'done' in found ? found.done : null;
}
