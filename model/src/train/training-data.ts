import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { CropSampler, type CropBatch } from './crop-sampler.js';
import type { TrainingDataSummary } from './model-export.js';
import { splitPairs, validatePairs, type PairValidation } from './pairs.js';
import { noPairsMessage, pairsLayoutIn } from './pair-discovery.js';
import type { Rng } from './random.js';
import { splitSharpPhotos, validateSharpFolder, type SharpFolderReport } from './synth/sharp-folder.js';
import { loadKernelBank, maxKernelSize } from './synth/shake-kernel.js';
import { SynthSampler, type SynthSamplerOptions } from './synth/synth-sampler.js';
import { syntheticValidationSet } from './synth/synth-validation.js';
import { DEFAULT_MILD_SHARE, defaultMildSpecPath, defaultSharedDataDir, defaultSynthesisSpecPath, loadSynthesisSpec, type SynthesisInfo } from './synth/synthesis-spec.js';
import { loadValidationSet, type ValidationItem } from './train-validation.js';

/**
 * Where training crops come from: blurred/sharp pairs (--pairs) or sharp-only photos blurred
 * with synthetic camera shake (--sharp; model/base/synthesis-spec.json). Both give the trainer
 * the same things: a report event, a train/held-out split by name (checkpoints store it), fixed
 * validation items, a seeded batch stream and the data section of training.json.
 */
export type DataSourceKind = 'pairs' | 'sharp';

export type DataEvent =
  | { type: 'data'; source: 'pairs'; report: PairValidation; train: number; validation: number; note: string | null }
  | { type: 'data'; source: 'sharp'; report: SharpFolderReport; synthesis: SynthesisInfo; train: number; validation: number; note: string | null };

export interface BatchSource {
  nextBatch(): Promise<CropBatch>;
}

export interface DataOptions {
  pairsDir?: string;
  sharpDir?: string;
  crop: number;
  batch: number;
  validationFraction: number;
  validationCrop: number;
  seed: number;
  /** Injectable for the packaged app, which carries its own copies. */
  synthesisSpecPath?: string;
  sharedDataDir?: string;
  /** Share of sharp-only samples with mild shake (default DEFAULT_MILD_SHARE; 0 = none) and its spec. */
  mildShare?: number;
  mildSpecPath?: string;
  /** The interrupted run's split, when resuming. */
  saved?: { train: string[]; validation: string[] };
}

export interface TrainingData {
  source: DataSourceKind;
  train: string[];
  validation: string[];
  validationSet: ValidationItem[];
  sampler(rng: Rng): BatchSource;
  summary: TrainingDataSummary;
}

/** Exactly one of the two folders must be given. */
export function dataSourceOf(o: { pairsDir?: string | undefined; sharpDir?: string | undefined }): DataSourceKind {
  if (o.pairsDir !== undefined && o.sharpDir !== undefined) {
    throw new UnshakeError('INVALID_REQUEST', 'Choose either a folder of blurred/sharp pairs or a folder of sharp-only photos, not both.');
  }
  if (o.pairsDir === undefined && o.sharpDir === undefined) {
    throw new UnshakeError('INVALID_REQUEST', 'Training needs a folder: blurred/sharp pairs or sharp-only photos.');
  }
  return o.pairsDir !== undefined ? 'pairs' : 'sharp';
}

/** The split, with the report emitted either way: with no usable items the user must see why. */
function splitAndReport<T>(
  split: () => { train: T[]; validation: T[]; note: string | null },
  event: (train: number, validation: number, note: string | null) => DataEvent,
  emit: (e: DataEvent) => void,
): { train: T[]; validation: T[]; note: string | null } {
  let s: { train: T[]; validation: T[]; note: string | null };
  try {
    s = split();
  } catch (error) {
    emit(event(0, 0, null));
    throw error;
  }
  emit(event(s.train.length, s.validation.length, s.note));
  return s;
}

function pick<T extends { name: string }>(valid: readonly T[], names: string[], what: string): T[] {
  // Runs interrupted before index.tsv pairs were named by path saved the bare file stem: such a
  // name still finds its pair when exactly one pair has that stem.
  const byStem = (n: string) => {
    const matches = valid.filter((v) => v.name.split('/').at(-1) === n);
    return matches.length === 1 ? matches[0] : undefined;
  };
  return names.map((n) => {
    const found = valid.find((v) => v.name === n) ?? byStem(n);
    if (!found) throw new UnshakeError('INVALID_REQUEST', `The ${what} "${n}" of the interrupted run is no longer valid in the folder; start a new run.`);
    return found;
  });
}

const names = (items: readonly { name: string }[]) => items.map((i) => i.name);

async function pairsData(dir: string, o: DataOptions, emit: (e: DataEvent) => void): Promise<TrainingData> {
  const report = await validatePairs(dir, { minSize: o.crop });
  // Nothing found at all (not even a file without its partner): say what the folder lacks.
  if (report.valid.length + report.rejected.length + report.unmatched.length === 0 && report.layout !== 'index.tsv') {
    throw new UnshakeError('INVALID_REQUEST', await noPairsMessage(dir));
  }
  const split = splitAndReport(
    () => (o.saved
      ? { train: pick(report.valid, o.saved.train, 'pair'), validation: pick(report.valid, o.saved.validation, 'pair'), note: null }
      : splitPairs(report.valid, o.validationFraction, o.seed)),
    (train, validation, note) => ({ type: 'data', source: 'pairs', report, train, validation, note }),
    emit,
  );
  return {
    source: 'pairs',
    train: names(split.train),
    validation: names(split.validation),
    validationSet: await loadValidationSet(split.validation, o.validationCrop),
    sampler: (rng) => new CropSampler(split.train, { crop: o.crop, batch: o.batch, rng }),
    summary: {
      source: 'pairs',
      folder: path.resolve(dir),
      layout: report.layout,
      trainPairs: names(split.train),
      validationPairs: names(split.validation),
      rejected: report.rejected.map((r) => ({ name: r.name, reason: r.reason })),
      realigned: report.valid.filter((p) => p.shift.dx || p.shift.dy).map((p) => ({ name: p.name, ...p.shift })),
    },
  };
}

async function mildSynthesis(file: string, o: DataOptions, share: number): Promise<NonNullable<SynthSamplerOptions['mild']>> {
  const spec = await loadSynthesisSpec(file);
  return { synth: { spec, bank: (await loadKernelBank(spec, o.sharedDataDir ?? defaultSharedDataDir())).kernels }, share };
}

async function sharpData(dir: string, o: DataOptions, emit: (e: DataEvent) => void): Promise<TrainingData> {
  const specFile = path.resolve(o.synthesisSpecPath ?? defaultSynthesisSpecPath());
  const spec = await loadSynthesisSpec(specFile);
  const bank = await loadKernelBank(spec, o.sharedDataDir ?? defaultSharedDataDir());
  const synth = { spec, bank: bank.kernels };
  const mildShare = o.mildShare ?? DEFAULT_MILD_SHARE;
  const mildSpecFile = mildShare > 0 ? path.resolve(o.mildSpecPath ?? defaultMildSpecPath()) : null;
  const mild = mildSpecFile ? await mildSynthesis(mildSpecFile, o, mildShare) : undefined;
  // A training crop needs the largest kernel's margin around it.
  const report = await validateSharpFolder(dir, { minSize: o.crop + maxKernelSize(spec, bank.kernels) - 1 });
  if (report.valid.length === 0) {
    const pairs = await pairsLayoutIn(dir);
    if (pairs) throw new UnshakeError('INVALID_REQUEST', `${dir} holds ${pairs}, not sharp photos: train on blurred + sharp pairs (--pairs) instead.`);
    if (report.rejected.length === 0) throw new UnshakeError('INVALID_REQUEST', `${dir} holds no photos (its subfolders are not read).`);
  }
  const synthesis: SynthesisInfo = { specVersion: spec.version, specFile, transfer: spec.colour.transfer, seed: o.seed, bankKernels: bank.kernels.length, bankNote: bank.note, mildShare, mildSpecFile };
  const split = splitAndReport(
    () => (o.saved
      ? { train: pick(report.valid, o.saved.train, 'photo'), validation: pick(report.valid, o.saved.validation, 'photo'), note: null }
      : splitSharpPhotos(report.valid, o.validationFraction, o.seed)),
    (train, validation, note) => ({ type: 'data', source: 'sharp', report, synthesis, train, validation, note }),
    emit,
  );
  return {
    source: 'sharp',
    train: names(split.train),
    validation: names(split.validation),
    validationSet: await syntheticValidationSet(split.validation, synth, o.validationCrop, o.seed),
    sampler: (rng) => new SynthSampler(split.train, synth, { crop: o.crop, batch: o.batch, rng, mild }),
    summary: {
      source: 'synthetic',
      folder: report.folder,
      layout: 'sharp-only',
      trainPhotos: names(split.train),
      validationPhotos: names(split.validation),
      rejected: report.rejected.map((r) => ({ name: r.name, reason: r.reason })),
      synthesis,
    },
  };
}

/** Validates the folder, emits its report (also when nothing is usable) and splits it. */
export async function prepareTrainingData(o: DataOptions, emit: (e: DataEvent) => void): Promise<TrainingData> {
  return dataSourceOf(o) === 'pairs' ? pairsData(o.pairsDir!, o, emit) : sharpData(o.sharpDir!, o, emit);
}
