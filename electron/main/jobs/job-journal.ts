import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobSnapshot } from '../../common/job-state.js';

/** One line of jobs.jsonl: a status change, plus on `queued` what is needed to run it again. */
export interface JournalEntry {
  snapshot: JobSnapshot;
  input?: unknown;
}

export interface JobJournal {
  append(entry: JournalEntry): void;
  /** Resolves once every append so far is on disk. */
  flush(): Promise<void>;
}

/**
 * Append-only JSON-lines journal, so a later run can see which jobs never finished and resume
 * them. Writes are chained to keep lines whole and in order; a failing disk is logged, not
 * fatal, since the journal must never break the job it describes.
 */
export function createJobJournal(filePath: string): JobJournal {
  let tail: Promise<void> = mkdir(path.dirname(filePath), { recursive: true }).then(() => undefined);
  return {
    append(entry) {
      const line = `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`;
      tail = tail
        .then(() => appendFile(filePath, line, 'utf8'))
        .catch((error: unknown) => console.error('[jobs] journal write failed:', error));
    },
    flush: () => tail,
  };
}

/** Reads the journal back (skipping a torn last line from a crash). */
export async function readJobJournal(filePath: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch {
    return [];
  }
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // torn write: ignore
    }
  }
  return entries;
}
