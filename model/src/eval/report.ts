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
  /** Null when every pair was left out: there is nothing to average. */
  input: QualityScores | null;
  output: QualityScores | null;
  /** Mean output − input PSNR, dB. */
  gainDb: number | null;
}

const IDENTICAL_INPUT = 'its blurred photo is identical to its sharp one';
const IDENTICAL_OUTPUT = 'its deblurred photo is identical to its sharp one';

/**
 * Identical images score ∞ dB, which has no mean: one already-sharp pair would make the set's
 * input mean ∞ and its gain −∞. Such a pair has nothing to deblur, so it is left out of every mean
 * (SSIM too, so all columns average the same pairs) rather than counted as some arbitrary dB.
 * Only pixel-identical pairs: a re-saved copy scores a finite PSNR, which still says how much the
 * model changes a sharp photo (docs/decisions.md, "Eval leaves identical pairs out of its means").
 */
function leftOutReason(r: PairResult): string | null {
  if (r.input.psnr === Infinity) return IDENTICAL_INPUT;
  if (r.output.psnr === Infinity) return IDENTICAL_OUTPUT;
  return null;
}

export function summarise(results: PairResult[]): EvalSummary {
  const leftOut: LeftOutPair[] = [];
  const kept: PairResult[] = [];
  for (const r of results) {
    const reason = leftOutReason(r);
    if (reason === null) kept.push(r);
    else leftOut.push({ name: r.name, reason });
  }
  if (kept.length === 0) return { pairs: 0, leftOut, input: null, output: null, gainDb: null };
  const mean = (pick: (r: PairResult) => number) => kept.reduce((s, r) => s + pick(r), 0) / kept.length;
  const input = { psnr: mean((r) => r.input.psnr), ssim: mean((r) => r.input.ssim), ssimY: mean((r) => r.input.ssimY) };
  const output = { psnr: mean((r) => r.output.psnr), ssim: mean((r) => r.output.ssim), ssimY: mean((r) => r.output.ssimY) };
  return { pairs: kept.length, leftOut, input, output, gainDb: output.psnr - input.psnr };
}

/** A PSNR for people: identical images read as ∞, never "Infinity". */
export const dbText = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '∞');

/** The progress line's scores: an identical input is said in words. */
export function pairScoresText(r: PairResult): string {
  const input = r.input.psnr === Infinity ? 'identical to its sharp photo' : dbText(r.input.psnr);
  return `${input} → ${dbText(r.output.psnr)} dB`;
}

/** "1 pair left out of the means: b.png (its blurred photo is identical to its sharp one)", or null. */
export function leftOutNote(summary: EvalSummary): string | null {
  const n = summary.leftOut.length;
  if (n === 0) return null;
  const names = summary.leftOut.map((p) => `${p.name} (${p.reason})`).join(', ');
  return `${n} pair${n === 1 ? '' : 's'} left out of the means and the gain: ${names}`;
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
  const note = leftOutNote(summary);
  return [line(rows[0]!), rule, ...rows.slice(1).map(line), ...(note ? ['', note] : [])].join('\n');
}
