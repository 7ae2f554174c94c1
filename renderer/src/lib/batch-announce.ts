import type { StopReason } from '../../../electron/common/job-state.js';

/** Where a batch stands, as its card counts it. */
export interface BatchCounts {
  /** Photos this batch deblurs (those already done or under way elsewhere left out). */
  photos: number;
  /** Photos it left alone: their result is there, or another batch is making it. */
  alreadyDone: number;
  done: number;
  failed: number;
  /** Photos the user cancelled. */
  cancelled: number;
  /** Photos the app stopped after one failed as they would (not done, never called cancelled), and why. */
  stopped: number;
  stoppedWhy: readonly StopReason[];
  /** Not ended yet. */
  open: number;
  /** What the batch left out when it was planned (raw files, folders that cannot be written…): said at its start. */
  leftOut: readonly string[];
  /** Notes on the photos done (what a result leaves out of its photo): counted at its end. */
  notes: number;
}

const photos = (n: number): string => (n === 1 ? '1 photo' : `${n} photos`);

const STOP_WORDS: Record<StopReason, string> = {
  'disk-full': 'disk full',
  'folder-unwritable': 'folder cannot be written',
  'model-unusable': 'model cannot be used',
};

/** "3 stopped (folder cannot be written)": the card's and the announcement's words for photos the app stopped. */
export function stoppedText(n: number, why: readonly StopReason[]): string {
  const reasons = [...new Set(why)].map((reason) => STOP_WORDS[reason]);
  return `${n} stopped${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
}

/** Then the left-out notes, each a sentence as the card shows it ("…: 2 photos to deblur. 2 raw files are left out (…): …"). */
const withNotes = (said: string, notes: readonly string[]): string => (notes.length > 0 ? `${said}. ${notes.join(' ')}` : said);

/**
 * What the Batch panel's status region says of a batch: once when it starts, once when it ends.
 * It changes only between those, so a screen reader reads each once (progress would be read at
 * every photo). A batch with nothing to do says so, with the count its card shows. What the card
 * notes as left out is said with the start, as the card shows it from then; photos the app
 * stopped are said as such, and only a batch the user cancelled photos of is "cancelled".
 */
export function batchAnnouncement(title: string, c: BatchCounts): string {
  const already = c.alreadyDone > 0 ? `, ${c.alreadyDone} already done or under way` : '';
  if (c.photos === 0) return withNotes(`Batch ${title}: nothing to deblur${already}`, c.leftOut);
  if (c.open > 0) return withNotes(`Batch ${title} started: ${photos(c.photos)} to deblur${already}`, c.leftOut);
  const how = c.cancelled > 0 ? 'cancelled' : 'finished';
  const stopped = c.stopped > 0 ? `, ${stoppedText(c.stopped, c.stoppedWhy)}` : '';
  const notes = c.notes > 0 ? `, with ${c.notes === 1 ? '1 note' : `${c.notes} notes`} on the photos done` : '';
  return `Batch ${title} ${how}: ${c.done} written, ${c.failed} failed${c.cancelled ? `, ${c.cancelled} not done` : ''}${stopped}${already}${notes}`;
}
