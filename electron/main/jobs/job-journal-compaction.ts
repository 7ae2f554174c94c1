import { stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import type { ErrorInfo } from '../../common/error-codes.js';
import { keepUnreadableBatches, setAsideTooBig } from './job-journal-aside.js';
import { MAX_JOURNAL_BYTES, readJobJournal, type InterruptedBatch, type JournalLine } from './job-journal.js';

const TERMINAL = new Set(['done', 'failed', 'cancelled']);

/** The batches the journal shows unfinished: some photo it queued never ended, and it was not resumed or dismissed. */
export function interruptedBatches(lines: readonly JournalLine[]): InterruptedBatch[] {
  const runs = new Map<string, InterruptedBatch>();
  /** Each journaled job's last status, with its batch. */
  const ends = new Map<string, { group: string; status: string }>();
  const carried = new Set<string>();
  /** Photos the user cancelled, by batch: a resume leaves them out. */
  const cancelled = new Map<string, Set<string>>();
  for (const line of lines) {
    if ('batch' in line) runs.set(line.batch.runId, { ...line.batch, done: line.batch.alreadyDone });
    else if ('interrupted' in line) {
      runs.set(line.interrupted.runId, line.interrupted);
      carried.add(line.interrupted.runId);
    } else if ('closed' in line) runs.delete(line.closed);
    else if ('cancelledPhoto' in line) {
      const { group, photo } = line.cancelledPhoto;
      cancelled.set(group, (cancelled.get(group) ?? new Set()).add(photo));
    } else ends.set(line.job, { group: line.group, status: line.status });
  }
  const ended = new Map<string, number>();
  const done = new Map<string, number>();
  for (const { group, status } of ends.values()) {
    if (!TERMINAL.has(status)) continue;
    ended.set(group, (ended.get(group) ?? 0) + 1);
    if (status === 'done') done.set(group, (done.get(group) ?? 0) + 1);
  }
  // Counted against `queued`, not from the lines of open jobs: a crash may have cut those off.
  return [...runs.values()].flatMap((run) => {
    if (carried.has(run.runId)) return [run];
    if ((ended.get(run.runId) ?? 0) >= run.queued) return [];
    // A batch whose open photos were all cancelled has ended, as one stopped with Cancel batch: not offered (above).
    const skipped = [...new Set([...run.cancelled, ...(cancelled.get(run.runId) ?? [])])];
    return [{ ...run, done: run.alreadyDone + (done.get(run.runId) ?? 0), cancelled: skipped }];
  });
}

/** What compaction found: the batches to offer, and what the window says once if part of the journal could not be used. */
export interface CompactedJournal {
  interrupted: InterruptedBatch[];
  notice: ErrorInfo | null;
}

/**
 * Run at start, before this session writes a line: keeps only the batches left unfinished, one
 * line each, written atomically (a crash mid-rewrite leaves the old journal whole). So the file
 * never grows across sessions and keeps no record of finished work; lines of older versions
 * (which held every deblur's photo path and selection) go with it. A batch it cannot read is
 * never dropped unseen: its line is kept aside first, and the notice says where.
 */
export async function compactJobJournal(filePath: string): Promise<CompactedJournal> {
  const size = (await stat(filePath).catch(() => null))?.size;
  if (size === undefined) return { interrupted: [], notice: null };
  if (size > MAX_JOURNAL_BYTES) return { interrupted: [], notice: await setAsideTooBig(filePath, size) };
  // Told even if the rewrite below fails: the lines kept aside are somewhere the user must hear of.
  let notice: ErrorInfo | null = null;
  try {
    const { lines, unreadableBatches } = await readJobJournal(filePath);
    const interrupted = interruptedBatches(lines);
    if (unreadableBatches.length) {
      const aside = await keepUnreadableBatches(filePath, unreadableBatches);
      notice = aside.notice;
      // Not kept aside: the journal is their only copy, so it stays as it is until a start can keep them.
      if (!aside.kept) return { interrupted, notice };
    }
    const at = new Date().toISOString();
    await writeFileAtomic(filePath, interrupted.map((run) => `${JSON.stringify({ at, interrupted: run })}\n`).join(''), 'utf8');
    return { interrupted, notice };
  } catch (error) {
    // The journal must never keep the app from starting: without it, a batch is finished by dropping its folder again.
    console.error('[jobs] the job journal could not be read or rewritten:', error);
    return { interrupted: [], notice };
  }
}
