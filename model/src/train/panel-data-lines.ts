import type { DataEvent } from './training-data.js';

/**
 * The panel's lines on the photos a run uses and skips. The CLI lists every skipped file with its
 * reason; the panel does too (the first few, then how many more), counting files without a
 * partner as skipped as well.
 */
const LISTED = 5;

/** "name: reason" for every file the run skips. */
export function skippedFiles(e: DataEvent): string[] {
  const rejected = e.report.rejected.map((r) => `${r.name}: ${r.reason}`);
  return e.source === 'pairs' ? [...rejected, ...e.report.unmatched.map((u) => `${u.file}: ${u.reason}`)] : rejected;
}

export function panelDataLines(e: DataEvent): { data: string; skipped: string } {
  const skipped = skippedFiles(e);
  const count = skipped.length ? `; ${skipped.length} skipped` : '';
  const data = e.source === 'pairs'
    ? `${e.report.valid.length} pairs: ${e.train} for training, ${e.validation} held out to measure progress${count}`
    : `${e.report.valid.length} sharp photos with synthetic camera shake: ${e.train} for training, ${e.validation} held out${count}`;
  const more = skipped.length > LISTED ? `; and ${skipped.length - LISTED} more` : '';
  return { data, skipped: skipped.length ? `Skipped ${skipped.slice(0, LISTED).join('; ')}${more}` : '' };
}
