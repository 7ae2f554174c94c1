import type { PairResult, QualityScores } from './evaluate.js';

/** A pair that was scored (its row is in the table) but is not in the means. */
export interface LeftOutPair {
  name: string;
  reason: string;
}

export interface EvalSummary {
  /** Pairs the means are over. */
  pairs: number;
  /** Scored pairs left out of every mean (PSNR, SSIM and the gain), named with why. */
  leftOut: LeftOutPair[];
  /** Pairs whose output is pixel-identical to the sharp photo: in the means at EXACT_OUTPUT_DB. */
  exactOutputs: string[];
  /** Null when every pair was left out: there is nothing to average. */
  input: QualityScores | null;
  output: QualityScores | null;
  /** Mean output − input PSNR, dB. */
  gainDb: number | null;
}

const IDENTICAL_INPUT = 'its blurred photo is identical to its sharp one';

/**
 * An exactly restored output scores ∞ dB, which has no mean; leaving it out would drop the model's
 * best pair and bias the means and gain down, so it counts at this stated cap (said under the table).
 */
export const EXACT_OUTPUT_DB = 100;

/**
 * An input identical to its sharp photo has nothing to deblur: its ∞ dB would make the set's input
 * mean ∞ and its gain −∞, so the pair is left out of every mean (SSIM too, so all columns average
 * the same pairs). Only pixel-identical inputs: a re-saved copy scores a finite PSNR, which still
 * says how much the model changes a sharp photo (docs/decisions.md, "Eval leaves identical pairs
 * out of its means" and "An exactly restored pair counts at 100 dB").
 */
const outputDb = (r: PairResult): number => (r.output.psnr === Infinity ? EXACT_OUTPUT_DB : r.output.psnr);

export function summarise(results: PairResult[]): EvalSummary {
  const identical = (r: PairResult) => r.input.psnr === Infinity;
  const leftOut = results.filter(identical).map((r) => ({ name: r.name, reason: IDENTICAL_INPUT }));
  const kept = results.filter((r) => !identical(r));
  const exactOutputs = kept.filter((r) => r.output.psnr === Infinity).map((r) => r.name);
  if (kept.length === 0) return { pairs: 0, leftOut, exactOutputs, input: null, output: null, gainDb: null };
  const mean = (pick: (r: PairResult) => number) => kept.reduce((s, r) => s + pick(r), 0) / kept.length;
  const input = { psnr: mean((r) => r.input.psnr), ssim: mean((r) => r.input.ssim), ssimY: mean((r) => r.input.ssimY) };
  const output = { psnr: mean(outputDb), ssim: mean((r) => r.output.ssim), ssimY: mean((r) => r.output.ssimY) };
  return { pairs: kept.length, leftOut, exactOutputs, input, output, gainDb: output.psnr - input.psnr };
}

/** A PSNR for people: identical images read as ∞, never "Infinity". */
export const dbText = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '∞');

/** The progress line's scores: an identical input is said in words. */
export function pairScoresText(r: PairResult): string {
  const input = r.input.psnr === Infinity ? 'identical to its sharp photo' : dbText(r.input.psnr);
  return `${input} → ${dbText(r.output.psnr)} dB`;
}

const pairs = (n: number) => `${n} pair${n === 1 ? '' : 's'}`;

/** The lines under the table: pairs left out of the means, and pairs counted at the cap. */
export function summaryNotes(summary: EvalSummary): string[] {
  const notes: string[] = [];
  if (summary.leftOut.length > 0) {
    const names = summary.leftOut.map((p) => `${p.name} (${p.reason})`).join(', ');
    notes.push(`${pairs(summary.leftOut.length)} left out of the means and the gain: ${names}`);
  }
  if (summary.exactOutputs.length > 0) {
    notes.push(`${pairs(summary.exactOutputs.length)} restored exactly (∞ dB out), counted at ${EXACT_OUTPUT_DB} dB in the means and the gain: ${summary.exactOutputs.join(', ')}`);
  }
  return notes;
}

const HEADER = ['image', 'PSNR in', 'PSNR out', 'Δ dB', 'SSIM in', 'SSIM out', 'SSIM-Y in', 'SSIM-Y out'];
const NONE = '—';

function row(name: string, input: QualityScores | null, output: QualityScores | null): string[] {
  if (!input || !output) return [name, ...HEADER.slice(1).map(() => NONE)];
  const gain = output.psnr - input.psnr;
  return [name, dbText(input.psnr), dbText(output.psnr), Number.isFinite(gain) ? gain.toFixed(2) : NONE, input.ssim.toFixed(4), output.ssim.toFixed(4), input.ssimY.toFixed(4), output.ssimY.toFixed(4)];
}

/** A plain-text table (per image, then the mean) that also reads as Markdown; a note names the pairs the mean leaves out. */
export function formatTable(results: PairResult[], summary: EvalSummary): string {
  const count = summary.leftOut.length > 0 ? `${summary.pairs} of ${results.length}` : `${summary.pairs}`;
  const rows = [HEADER, ...results.map((r) => row(r.name, r.input, r.output)), row(`mean (${count})`, summary.input, summary.output)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const notes = summaryNotes(summary);
  return [line(rows[0]!), rule, ...rows.slice(1).map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
