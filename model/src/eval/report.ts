import type { PairResult, QualityScores } from './evaluate.js';

export interface EvalSummary {
  pairs: number;
  input: QualityScores;
  output: QualityScores;
  /** Mean output − input PSNR, dB. */
  gainDb: number;
}

/**
 * Identical images score ∞ dB. In means and gains a pair's PSNR counts as at most this, so one
 * already-sharp pair in a set does not turn the mean into ∞ and the gain into −∞ or NaN.
 */
const PSNR_CAP_DB = 100;
const capped = (psnr: number) => Math.min(psnr, PSNR_CAP_DB);

export function summarise(results: PairResult[]): EvalSummary {
  const mean = (pick: (r: PairResult) => number) => results.reduce((s, r) => s + pick(r), 0) / Math.max(1, results.length);
  const input = { psnr: mean((r) => capped(r.input.psnr)), ssim: mean((r) => r.input.ssim), ssimY: mean((r) => r.input.ssimY) };
  const output = { psnr: mean((r) => capped(r.output.psnr)), ssim: mean((r) => r.output.ssim), ssimY: mean((r) => r.output.ssimY) };
  return { pairs: results.length, input, output, gainDb: output.psnr - input.psnr };
}

const HEADER = ['image', 'PSNR in', 'PSNR out', 'Δ dB', 'SSIM in', 'SSIM out', 'SSIM-Y in', 'SSIM-Y out'];

function row(name: string, input: QualityScores, output: QualityScores): string[] {
  const db = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '∞');
  return [name, db(input.psnr), db(output.psnr), (capped(output.psnr) - capped(input.psnr)).toFixed(2), input.ssim.toFixed(4), output.ssim.toFixed(4), input.ssimY.toFixed(4), output.ssimY.toFixed(4)];
}

/** A plain-text table (per image, then the mean) that also reads as Markdown. */
export function formatTable(results: PairResult[], summary: EvalSummary): string {
  const rows = [HEADER, ...results.map((r) => row(r.name, r.input, r.output)), row(`mean (${summary.pairs})`, summary.input, summary.output)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}
