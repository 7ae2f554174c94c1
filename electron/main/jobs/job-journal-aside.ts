import { rename } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { ErrorInfo } from '../../common/error-codes.js';
import type { UnreadableBatchLine } from './job-journal.js';

const FINISH = 'To finish such a batch, drop its folder again: photos already done are skipped.';

/**
 * Keeps the journal's lines about batches this version cannot read (a newer version's format,
 * a damaged line) in `jobs.unreadable-<time>.jsonl` beside it, word for word, before compaction
 * rewrites the journal without them. Returns what the window says, and whether they were kept:
 * if not, the journal must be left as it is, or they are gone.
 */
export async function keepUnreadableBatches(journalFile: string, batches: readonly UnreadableBatchLine[]): Promise<{ notice: ErrorInfo; kept: boolean }> {
  const aside = asidePath(journalFile);
  let kept = true;
  try {
    await writeFileAtomic(aside, batches.map((batch) => `${batch.text}\n`).join(''), 'utf8');
  } catch (error) {
    console.error(`[jobs] ${aside} could not be written:`, error);
    kept = false;
  }
  const titles = [...new Set(batches.map((batch) => batch.title).filter((title) => title !== null))];
  const what =
    batches.length === 1
      ? titles.length ? `the interrupted batch from ${titles[0]}` : 'an interrupted batch'
      : `${batches.length} interrupted batches${titles.length ? ` (from ${titles.join(', ')})` : ''}`;
  const where = kept ? `Its record was kept in ${aside}.` : `The job journal ${journalFile} is left as it is.`;
  return {
    kept,
    notice: tell(`Unshake could not read ${what} in its job journal (written by another version of Unshake, or damaged), so it cannot offer to resume ${batches.length === 1 ? 'it' : 'them'}. ${where} ${FINISH}`),
  };
}

/** A journal too big to be one (a power cut can leave a file of zeros) is moved aside, not emptied: what it holds may still be wanted. */
export async function setAsideTooBig(journalFile: string, bytes: number): Promise<ErrorInfo> {
  const size = `${Math.round(bytes / (1024 * 1024))} MB`;
  const aside = asidePath(journalFile);
  try {
    await rename(journalFile, aside);
  } catch (error) {
    console.error(`[jobs] ${journalFile} could not be moved to ${aside}:`, error);
    return tell(`Unshake's job journal ${journalFile} is ${size}, too big to be one (damaged, perhaps by a power cut), so no interrupted batch can be offered from it. It is left as it is; move it elsewhere and restart Unshake. ${FINISH}`);
  }
  return tell(
    `Unshake's job journal was ${size}, too big to be one (damaged, perhaps by a power cut), so it was started afresh and no interrupted batch can be offered from it. The file was kept as ${aside}; you may delete it. ${FINISH}`,
  );
}

function tell(message: string): ErrorInfo {
  // Also for whoever runs it from a terminal (the tests, `npm start`).
  console.warn(`[jobs] ${message}`);
  return { code: 'FILE_UNREADABLE', message };
}

function asidePath(journalFile: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return path.join(path.dirname(journalFile), `${path.basename(journalFile, '.jsonl')}.unreadable-${stamp}.jsonl`);
}
