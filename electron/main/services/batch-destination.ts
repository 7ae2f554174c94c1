import { leftOutNote, nothingWritable, planDestinations } from '../../../model/src/image/result-destination.js';
import type { BatchItem } from '../../../model/src/image/batch-results.js';

/**
 * The photos of a batch whose results can be written, found before any is queued: a folder on a
 * write-protected card or a read-only disk leaves its photos out with one note (in `leftOut`),
 * instead of each failing after its decode; when no photo is left, the drop fails with why.
 * `mayMake`: results go in an "Unshaken" folder made by the first photo.
 */
export async function writablePhotos(toDo: readonly BatchItem[], { mayMake, leftOut }: { mayMake: boolean; leftOut: string[] }): Promise<BatchItem[]> {
  const plan = await planDestinations(toDo, { mayMake });
  if (plan.refused.length === 0) return plan.writable;
  if (plan.writable.length === 0) throw nothingWritable(plan.refused);
  for (const { refusal, items } of plan.refused) leftOut.push(leftOutNote(refusal, items.length));
  return plan.writable;
}
