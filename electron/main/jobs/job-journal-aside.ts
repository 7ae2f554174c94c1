import { readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { ErrorInfo } from '../../common/error-codes.js';
import { MAX_JOURNAL_BYTES, type UnreadableBatchLine } from './job-journal.js';

const FINISH = 'To finish such a batch, drop its folder again: photos already done are skipped.';

/**
 * Keeps the journal's lines about batches this version cannot read (a newer version's format,
 * a damaged line) in `jobs.unreadable-<time>.jsonl` beside it, word for word, before compaction
 * rewrites the journal without them. Returns what the window says, and whether they were kept:
 * if not, the journal must be left as it is, or they are gone. Lines an earlier start already kept
 * (its rewrite of the journal then failed) are not kept twice: that file is named instead.
 */
export async function keepUnreadableBatches(journalFile: string, batches: readonly UnreadableBatchLine[]): Promise<{ notice: ErrorInfo; kept: boolean }> {
  const earlier = await keptEarlier(journalFile);
  const fresh = batches.filter((batch) => !earlier.has(batch.text));
  const aside = asidePath(journalFile);
  let kept = true;
  try {
    if (fresh.length > 0) await writeFileAtomic(aside, fresh.map((batch) => `${batch.text}\n`).join(''), 'utf8');
  } catch (error) {
    console.error(`[jobs] ${aside} could not be written:`, error);
    kept = false;
  }
  const files = [...new Set(batches.map((batch) => earlier.get(batch.text) ?? aside))].join(' and ');
  const titles = [...new Set(batches.map((batch) => batch.title).filter((title) => title !== null))];
  const what =
    batches.length === 1
      ? titles.length ? `the interrupted batch from ${titles[0]}` : 'an interrupted batch'
      : `${batches.length} interrupted batches${titles.length ? ` (from ${titles.join(', ')})` : ''}`;
  const where = kept ? `${batches.length === 1 ? 'Its record was' : 'Their records were'} kept in ${files}.` : `The job journal ${journalFile} is left as it is.`;
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

/** The lines of the aside files already beside the journal, each with its file; too-big journals moved aside are not read. */
async function keptEarlier(journalFile: string): Promise<Map<string, string>> {
  const dir = path.dirname(journalFile);
  const prefix = `${path.basename(journalFile, '.jsonl')}.unreadable-`;
  const kept = new Map<string, string>();
  for (const name of (await readdir(dir).catch(() => [])).filter((n) => n.startsWith(prefix) && n.endsWith('.jsonl')).sort()) {
    const file = path.join(dir, name);
    if (((await stat(file).catch(() => null))?.size ?? Infinity) > MAX_JOURNAL_BYTES) continue;
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line && !kept.has(line)) kept.set(line, file);
  }
  return kept;
}

function asidePath(journalFile: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return path.join(path.dirname(journalFile), `${path.basename(journalFile, '.jsonl')}.unreadable-${stamp}.jsonl`);
}
