import { shiftLength } from './pair-alignment.js';
import { skippedFiles, uncheckedPhrases } from './panel-data-lines.js';
import type { PairValidation } from './pairs.js';
import type { RunSettings } from './run-settings.js';
import type { SharpFolderReport } from './synth/sharp-folder.js';
import type { SynthesisInfo } from './synth/synthesis-spec.js';
import type { Scores } from './train-validation.js';
import type { DataEvent } from './training-data.js';

/** Text for `unshake train`: data report, live progress line, before/after table. */

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "1 held out", or, when the photos that measure progress are training photos too, that they are not. */
function validationWords(validation: number, heldOut: boolean): string {
  return heldOut ? `${validation} held out` : `the same ${validation} to measure progress (not held out)`;
}

export function formatDataReport(report: PairValidation, train: number, validation: number, heldOut: boolean): string {
  const realigned = report.valid.filter((p) => shiftLength(p.shift) > 0).length;
  const moved = realigned ? `, ${realigned} realigned (see the notes)` : '';
  const lines = [`pairs: ${report.valid.length} valid (${report.layout}), ${train} for training, ${validationWords(validation, heldOut)}${moved}`];
  for (const p of report.valid.filter((v) => v.note)) lines.push(`  note ${p.name}: ${p.note}`);
  for (const phrase of uncheckedPhrases(report.valid)) lines.push(`  used as they are: ${phrase}`);
  for (const file of skippedFiles(report)) lines.push(`  skipped ${file}`);
  return lines.join('\n');
}

export function formatSharpReport(report: SharpFolderReport, synthesis: SynthesisInfo, train: number, validation: number, heldOut: boolean): string {
  const lines = [
    `sharp-only photos: ${report.valid.length} usable, ${train} for training, ${validationWords(validation, heldOut)}`,
    `  synthetic camera shake: spec v${synthesis.specVersion} (${synthesis.specFile}), seed ${synthesis.seed}, ` +
      `blurred ${synthesis.transfer === 'srgb' ? 'in linear light' : 'on stored sRGB values'}, ` +
      (synthesis.bankNote ? 'random trajectories only' : `random trajectories + ${synthesis.bankKernels} measured kernels`),
  ];
  if (synthesis.mildShare > 0) lines.push(`  ${Math.round(synthesis.mildShare * 100)} % of samples with mild shake (0–8 px, some none: ${synthesis.mildSpecFile}), so sharp photos stay sharp`);
  if (synthesis.bankNote) lines.push(`  note: ${synthesis.bankNote}`);
  for (const file of skippedFiles(report)) lines.push(`  skipped ${file}`);
  return lines.join('\n');
}

export function formatDataEvent(e: DataEvent): string {
  return e.source === 'pairs'
    ? formatDataReport(e.report, e.train, e.validation, e.heldOut)
    : formatSharpReport(e.report, e.synthesis, e.train, e.validation, e.heldOut);
}

export function formatMode(mode: 'full' | 'decoder'): string {
  return `mode: ${mode === 'full' ? 'full (all weights)' : 'decoder (encoder frozen; decoder and tail trained)'}`;
}

/** What a resumed run keeps besides its mode, crop and critic width. */
export function formatRunSettings(s: RunSettings): string {
  const w = s.weights;
  const mild = s.mildShare === undefined ? '' : `, mild-shake share ${s.mildShare}`;
  return `batch ${s.batch}, ${s.steps} steps, learning rate ${s.learningRate}, loss weights L1 ${w.l1} / perceptual ${w.perceptual} / adversarial ${w.adversarial}, ` +
    `held-out crops ≤ ${s.validationCrop} px${mild}, checkpoint every ${s.checkpointEvery} steps`;
}

export function formatProgress(step: number, total: number, losses: Record<string, number>, stepsPerSecond: number, etaSeconds: number): string {
  const terms = Object.entries(losses).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join('  ');
  const pace = stepsPerSecond >= 1 ? `${stepsPerSecond.toFixed(2)} steps/s` : `${(1 / stepsPerSecond).toFixed(1)} s/step`;
  return `step ${step}/${total}  ${terms}  ${pace}  ETA ${formatDuration(etaSeconds)}`;
}

export function formatScoreTable(rows: [string, Scores][]): string {
  const head = `${''.padEnd(16)}${'PSNR (dB)'.padStart(10)}${'SSIM'.padStart(8)}`;
  // Identical pixels score Infinity, which tells a person nothing: say what it means instead.
  const cell = (psnr: number) => (psnr === Infinity ? 'identical' : psnr.toFixed(2));
  const body = rows.map(([label, s]) => `${label.padEnd(16)}${cell(s.psnr).padStart(10)}${s.ssim.toFixed(4).padStart(8)}`);
  const identical = rows.some(([, s]) => s.psnr === Infinity)
    ? ['identical: the same pixels as the sharp photos, so no PSNR can be measured (there was no blur to remove)']
    : [];
  return [head, ...body, ...identical].join('\n');
}
