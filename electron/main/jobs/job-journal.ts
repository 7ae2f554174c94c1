import { appendFileSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { JobStatus } from '../../common/job-state.js';
import { batchRunIdSchema } from '../../common/ipc-schemas.js';
import { modelIdSchema } from '../../common/model-id.js';
import { pathSchema } from '../../common/path-schema.js';
import { storedSettingsSchema } from '../../common/settings-schema.js';

/** A path as recorded: absolute here, as a batch's paths always are (another system's, or a hand edit, is not). */
const recordedPathSchema = pathSchema.refine((value) => path.isAbsolute(value), 'not an absolute path on this system');

/**
 * What a batch needs to run again after a crash or quit: what the user handed over and the
 * settings it ran with (never a photo list, a mask or a result: the results on disk say what is done).
 * Its ids and paths are held to the IPC contract's own rules (job:batch-interrupted is built
 * from it): a record that breaks them is kept aside and told, not offered (job-journal-aside.ts).
 */
export const batchRunRecordSchema = z.object({
  runId: batchRunIdSchema,
  title: z.string().min(1).max(300),
  paths: z.array(recordedPathSchema).min(1).max(10_000),
  strength: z.number().min(0).max(1),
  modelId: modelIdSchema,
  // Kept as written and read field by field on resume (settingsInForce): a newer version's key or
  // one bad value falls back to its default there, never a reason to drop the batch.
  settings: storedSettingsSchema.catch({}),
  /** Photos of the batch, and those of them done before it started (their results were there). */
  photos: z.number().int().nonnegative(),
  alreadyDone: z.number().int().nonnegative(),
  /** Photos it queued: the batch is interrupted while fewer of them than this have ended. */
  queued: z.number().int().nonnegative(),
  startedAt: z.number(),
  /**
   * Photos the user cancelled in an earlier run of this batch (one resumed): left out again. A
   * record of an older version has none, read as none cancelled.
   */
  cancelled: z.array(recordedPathSchema).default([]),
});
export type BatchRunRecord = z.infer<typeof batchRunRecordSchema>;

/** An interrupted batch as compaction leaves it: its record and how many photos were done. */
export const interruptedBatchSchema = batchRunRecordSchema.extend({ done: z.number().int().nonnegative() });
export type InterruptedBatch = z.infer<typeof interruptedBatchSchema>;

const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];

/** The lines of jobs.jsonl. */
export const journalLineSchema = z.union([
  /** A batch started (written before its photos' jobs). */
  z.object({ batch: batchRunRecordSchema }),
  /** A status change of a journaled job (a batch's photo): its id and status only. */
  z.object({ job: z.string().min(1).max(100), group: z.string().min(1).max(100), status: z.enum(JOB_STATUSES) }),
  /**
   * A batch's photo the user cancelled (job:cancel): its path, so a resume leaves it out. Only
   * cancelled ones are named; compaction drops the line with its batch once that has ended.
   */
  z.object({ cancelledPhoto: z.object({ group: z.string().min(1).max(100), photo: z.string().min(1).max(4096) }) }),
  /** An interrupted batch resumed or dismissed: no longer offered. */
  z.object({ closed: z.string().min(1).max(100) }),
  /** Written by compaction: a batch an earlier session left unfinished. */
  z.object({ interrupted: interruptedBatchSchema }),
]);
export type JournalLine = z.infer<typeof journalLineSchema>;

/**
 * Lines are short (a batch's record, then one per photo's status change, ~150 bytes) and the file
 * holds one session's since the last compaction: 64 MB is hundreds of thousands of photos.
 */
export const MAX_JOURNAL_BYTES = 64 * 1024 * 1024;

export interface JobJournal {
  /** Written at the next turn of the event loop, with whatever else was appended meanwhile. */
  append(line: JournalLine): void;
  /**
   * Written before it returns, after the lines appended before it: for a photo's end, whose
   * result is already on disk, so a kill the next moment cannot offer the batch a photo short.
   */
  appendNow(line: JournalLine): void;
  /** Resolves once every append so far is on disk. */
  flush(): Promise<void>;
}

/**
 * Append-only JSON-lines journal of batches and their photos' status changes, so the next start
 * can offer a batch that never finished (job-journal-compaction.ts). Every write is synchronous,
 * so lines stay whole and in order however `append` and `appendNow` mix; the lines appended in
 * one turn (a batch's thousands of queued photos) go in one write, so the main thread waits
 * milliseconds, not a write per line. A failing disk is logged, not fatal, since the journal must
 * never break the job it describes.
 */
export function createJobJournal(filePath: string): JobJournal {
  let pending = '';
  let madeFolder = false;
  const write = (text: string) => {
    pending = '';
    if (!text) return;
    try {
      if (!madeFolder) mkdirSync(path.dirname(filePath), { recursive: true });
      madeFolder = true;
      appendFileSync(filePath, text, 'utf8');
    } catch (error) {
      console.error('[jobs] journal write failed:', error);
    }
  };
  const textOf = (line: JournalLine) => `${JSON.stringify({ at: new Date().toISOString(), ...line })}\n`;
  return {
    append(line) {
      if (!pending) setImmediate(() => write(pending));
      pending += textOf(line);
    },
    appendNow: (line) => write(pending + textOf(line)),
    flush: async () => write(pending),
  };
}

/** What the journal holds: the lines understood, and those naming a batch that were not (kept aside by compaction). */
export interface JournalContents {
  lines: JournalLine[];
  unreadableBatches: UnreadableBatchLine[];
}

/** A line about a batch this version cannot read (another version's format, damaged): its text as it was, and its title if it has one. */
export interface UnreadableBatchLine {
  text: string;
  title: string | null;
}

/**
 * Reads the journal back. A torn last line (a crash mid-write), a line of an older format or one
 * that does not parse is skipped: the file is in userData, but nothing in it is trusted unchecked.
 * A line about a batch that is skipped is returned too: it is the only record of that batch.
 */
export async function readJobJournal(filePath: string): Promise<JournalContents> {
  const contents: JournalContents = { lines: [], unreadableBatches: [] };
  let file;
  try {
    file = await open(filePath, 'r');
  } catch {
    return contents;
  }
  // Past this it is not a journal (a power cut can leave a file of zeros), and a line longer than
  // Node's largest string throws inside readline, past any catch: not read at all.
  if ((await file.stat()).size > MAX_JOURNAL_BYTES) {
    await file.close().catch(() => {});
    return contents;
  }
  // Line by line: a journal of an older version, with every deblur's selection, can pass the
  // largest string Node can hold.
  try {
    for await (const line of file.readLines({ encoding: 'utf8' })) {
      if (!line.trim()) continue;
      const parsed = parseLine(line);
      if (parsed.line) contents.lines.push(parsed.line);
      else if (parsed.batch) contents.unreadableBatches.push({ text: line, title: parsed.batch.title });
    }
  } finally {
    await file.close().catch(() => {});
  }
  return contents;
}

function parseLine(text: string): { line?: JournalLine; batch?: { title: string | null } } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A torn write: a crash cuts off only the last line, which never started a batch's photos.
    return {};
  }
  const parsed = journalLineSchema.safeParse(json);
  if (parsed.success) return { line: parsed.data };
  const record = batchOf(json);
  if (!record) return {};
  const title = (record as { title?: unknown }).title;
  return { batch: { title: typeof title === 'string' && title.trim() ? title.slice(0, 300) : null } };
}

/** The batch record a line carries, whatever its shape: a line with neither key is no batch's. */
function batchOf(json: unknown): object | null {
  if (typeof json !== 'object' || json === null) return null;
  const record = (json as { batch?: unknown; interrupted?: unknown }).batch ?? (json as { interrupted?: unknown }).interrupted;
  if (record === undefined) return null;
  return typeof record === 'object' && record !== null ? record : {};
}
