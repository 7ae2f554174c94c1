/** Where a batch stands, as its card counts it. */
export interface BatchCounts {
  /** Photos this batch deblurs (those already done or under way elsewhere left out). */
  photos: number;
  /** Photos it left alone: their result is there, or another batch is making it. */
  alreadyDone: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Not ended yet. */
  open: number;
}

const photos = (n: number): string => (n === 1 ? '1 photo' : `${n} photos`);

/**
 * What the Batch panel's status region says of a batch: once when it starts, once when it ends.
 * It changes only between those, so a screen reader reads each once (progress would be read at
 * every photo). A batch with nothing to do says so, with the count its card shows.
 */
export function batchAnnouncement(title: string, c: BatchCounts): string {
  const already = c.alreadyDone > 0 ? `, ${c.alreadyDone} already done or under way` : '';
  if (c.photos === 0) return `Batch ${title}: nothing to deblur${already}`;
  if (c.open > 0) return `Batch ${title} started: ${photos(c.photos)} to deblur${already}`;
  const how = c.cancelled > 0 ? 'cancelled' : 'finished';
  return `Batch ${title} ${how}: ${c.done} written, ${c.failed} failed${c.cancelled ? `, ${c.cancelled} not done` : ''}${already}`;
}
