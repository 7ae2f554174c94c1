import { shiftLength, smallestMeasuredSide } from './pair-alignment.js';
import type { TrainingPair } from './pairs.js';
import type { SkippedFiles } from '../../../electron/common/training.js';
import type { TrainingDataSummary } from './model-export.js';
import type { DataEvent } from './training-data.js';
import { namedFew } from '../../../electron/common/named-few.js';

/**
 * The panel's lines on the photos a run uses and skips. The CLI lists every skipped file with its
 * reason; the panel does too (the first few, then how many more), counting files without a
 * partner as skipped as well. Pairs whose sharp photo was lined up with its blurred one are
 * named with the pixels they were moved by (the CLI's notes say which way).
 */
const LISTED = 5;

/** "; realigned a (6 px), b (3 px)": the pairs whose crops were moved to line up, the first few named. */
export function realignedWords(valid: readonly TrainingPair[]): string {
  const moved = valid.filter((p) => shiftLength(p.shift) > 0).map((p) => `${p.name} (${shiftLength(p.shift)} px)`);
  if (!moved.length) return '';
  return `; realigned ${namedFew(moved, LISTED)}`;
}

/**
 * Pairs used as they are because their shift could not be measured, one phrase per cause, the
 * first few named: said once for all of them, since a small pair is no error of the user's.
 */
export function uncheckedPhrases(valid: readonly TrainingPair[]): string[] {
  const named = (kind: TrainingPair['unchecked']) => {
    const names = valid.filter((p) => p.unchecked === kind).map((p) => p.name);
    return namedFew(names, LISTED);
  };
  const small = valid.filter((p) => p.unchecked === 'too-small').length;
  const flat = valid.filter((p) => p.unchecked === 'ambiguous').length;
  return [
    small ? `${small === 1 ? '1 pair too small to check how it lines up' : `${small} pairs too small to check how they line up`} (that takes about ${smallestMeasuredSide()}×${smallestMeasuredSide()} px): ${named('too-small')}` : '',
    flat ? `${flat === 1 ? '1 pair with too little detail to check how it lines up' : `${flat} pairs with too little detail to check how they line up`}: ${named('ambiguous')}` : '',
  ].filter(Boolean);
}

/** "; used as they are: 500 too small to check how they line up (…): a, b, …" */
function uncheckedWords(valid: readonly TrainingPair[]): string {
  const phrases = uncheckedPhrases(valid);
  return phrases.length ? `; used as they are: ${phrases.join('; ')}` : '';
}

/** "name: reason" for every file the run skips (the CLI's report and the panel list the same). */
export function skippedFiles(report: { rejected: readonly { name: string; reason: string }[]; unmatched?: readonly { file: string; reason: string }[] }): string[] {
  return [...report.rejected.map((r) => `${r.name}: ${r.reason}`), ...(report.unmatched ?? []).map((u) => `${u.file}: ${u.reason}`)];
}

/**
 * What a finished run skipped, for its card and its description: every rejected pair or photo and
 * every file without a partner, counted against all it found; undefined when nothing was skipped.
 */
export function skippedSummary(d: TrainingDataSummary): SkippedFiles | undefined {
  const unpaired = d.source === 'pairs' ? (d.unpaired ?? []) : [];
  const lines = skippedFiles({ rejected: d.rejected, unmatched: unpaired });
  if (lines.length === 0) return undefined;
  const used = new Set(d.source === 'pairs' ? [...d.trainPairs, ...d.validationPairs] : [...d.trainPhotos, ...d.validationPhotos]).size;
  return { count: lines.length, of: used + lines.length, unit: d.source === 'pairs' ? 'pairs' : 'photos', listed: lines.slice(0, LISTED) };
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `note`: the data's own note (why the scores are not held out, when they are not), or ''. */
export function panelDataLines(e: DataEvent): { data: string; note: string; skipped: string } {
  const skipped = skippedFiles(e.report);
  const skips = skipped.length ? `; ${skipped.length} skipped` : '';
  const measure = e.heldOut ? `${e.validation} held out to measure progress` : `the same ${e.validation} to measure progress (not held out)`;
  const data = e.source === 'pairs'
    ? `${count(e.report.valid.length, 'pair', 'pairs')}: ${e.train} for training, ${measure}${realignedWords(e.report.valid)}${uncheckedWords(e.report.valid)}${skips}`
    : `${count(e.report.valid.length, 'sharp photo', 'sharp photos')} with synthetic camera shake: ${e.train} for training, ${e.heldOut ? `${e.validation} held out` : measure}${skips}`;
  return { data, note: e.note ?? '', skipped: skipped.length ? `Skipped ${namedFew(skipped, LISTED, { separator: '; ', beforeMore: '; and ' })}` : '' };
}
