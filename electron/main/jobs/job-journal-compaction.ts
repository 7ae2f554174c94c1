import { stat } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { MAX_JOURNAL_BYTES, readJobJournal, type InterruptedBatch, type JournalLine } from './job-journal.js';

const TERMINAL = new Set(['done', 'failed', 'cancelled']);

/** The batches the journal shows unfinished: some photo it queued never ended, and it was not resumed or dismissed. */
export function interruptedBatches(lines: readonly JournalLine[]): InterruptedBatch[] {
  const runs = new Map<string, InterruptedBatch>();
  /** Each journaled job's last status, with its batch. */
  const ends = new Map<string, { group: string; status: string }>();
  const carried = new Set<string>();
  for (const line of lines) {
    if ('batch' in line) runs.set(line.batch.runId, { ...line.batch, done: line.batch.alreadyDone });
    else if ('interrupted' in line) {
      runs.set(line.interrupted.runId, line.interrupted);
      carried.add(line.interrupted.runId);
    } else if ('closed' in line) runs.delete(line.closed);
    else ends.set(line.job, { group: line.group, status: line.status });
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
    return [{ ...run, done: run.alreadyDone + (done.get(run.runId) ?? 0) }];
  });
}

/**
 * Run at start, before this session writes a line: keeps only the batches left unfinished, one
 * line each, written atomically (a crash mid-rewrite leaves the old journal whole). So the file
 * never grows across sessions and keeps no record of finished work; lines of older versions
 * (which held every deblur's photo path and selection) go with it.
 */
export async function compactJobJournal(filePath: string): Promise<InterruptedBatch[]> {
  const size = (await stat(filePath).catch(() => null))?.size;
  if (size === undefined) return [];
  if (size > MAX_JOURNAL_BYTES) console.error(`[jobs] ${filePath} (${size} bytes) is not a job journal any more: it is started afresh`);
  try {
    const interrupted = interruptedBatches(await readJobJournal(filePath));
    const at = new Date().toISOString();
    await writeFileAtomic(filePath, interrupted.map((run) => `${JSON.stringify({ at, interrupted: run })}\n`).join(''), 'utf8');
    return interrupted;
  } catch (error) {
    // The journal must never keep the app from starting: without it, a batch is finished by dropping its folder again.
    console.error('[jobs] the job journal could not be read or rewritten:', error);
    return [];
  }
}
