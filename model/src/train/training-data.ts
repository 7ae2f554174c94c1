import path from 'node:path';
import { NOT_A_FAIR_TEST } from '../../../electron/common/training.js';
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

/** `heldOut` false: the validation items are training items too (one pair, one scene), and `note` says so. */
interface SplitCounts {
  train: number;
  validation: number;
  heldOut: boolean;
  note: string | null;
}

export type DataEvent =
  | ({ type: 'data'; source: 'pairs'; report: PairValidation } & SplitCounts)
  | ({ type: 'data'; source: 'sharp'; report: SharpFolderReport; synthesis: SynthesisInfo } & SplitCounts);

/** How far the check of the folder is: a camera-size pair takes a second or more, a photo a fraction. */
export interface CheckingEvent {
  type: 'checking';
  /** What is counted: blurred/sharp pairs (--pairs) or sharp-only photos (--sharp). */
  what: 'pairs' | 'photos';
  checked: number;
  total: number;
}

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
  /** A stop is seen between photos (StoppedBeforeTraining). */
  signal?: AbortSignal;
}

export interface TrainingData {
  source: DataSourceKind;
  train: string[];
  validation: string[];
  validationSet: ValidationItem[];
  /** Whether the validation items are kept out of training: every score shown says which. */
  heldOut: boolean;
  /** The batch stream from `startBatch` on (a resumed run's step), continuing `rng`. */
  sampler(rng: Rng, startBatch: number): BatchSource;
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

type SplitOf<T> = { train: T[]; validation: T[]; note: string | null };

/**
 * Whether no validation item is also trained on (`target`: what makes two items one scene, a
 * pair's sharp photo). The one place that decides it, for a new split and a resumed run's saved
 * one alike; the CLI, the panel, the manifest and training.json carry this flag.
 */
function isHeldOut<T>(s: SplitOf<T>, target: (item: T) => string): boolean {
  const trained = new Set(s.train.map(target));
  return !s.validation.some((v) => trained.has(target(v)));
}

/** The split, with the report emitted either way: with no usable items the user must see why. */
function splitAndReport<T>(
  split: () => SplitOf<T>,
  target: (item: T) => string,
  event: (counts: SplitCounts) => DataEvent,
  emit: (e: DataEvent) => void,
): SplitOf<T> & { heldOut: boolean } {
  let s: SplitOf<T>;
  try {
    s = split();
  } catch (error) {
    // Nothing to train on: "0 held out", not a claim about photos there are none of.
    emit(event({ train: 0, validation: 0, heldOut: true, note: null }));
    throw error;
  }
  const heldOut = isHeldOut(s, target);
  // The split says why (one pair, one scene); a resumed run's saved split has no note of its own.
  const why = s.note ?? 'The photos that measure progress are training photos too.';
  const note = heldOut ? s.note : `${why} Its scores are measured on the training photos themselves: ${NOT_A_FAIR_TEST}.`;
  emit(event({ train: s.train.length, validation: s.validation.length, heldOut, note }));
  return { ...s, heldOut };
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

async function pairsData(dir: string, o: DataOptions, emit: (e: DataEvent | CheckingEvent) => void): Promise<TrainingData> {
  const report = await validatePairs(dir, { minSize: o.crop }, (checked, total) => emit({ type: 'checking', what: 'pairs', checked, total }), o.signal);
  // Nothing found at all (not even a file without its partner): say what the folder lacks.
  if (report.valid.length + report.rejected.length + report.unmatched.length === 0 && report.layout !== 'index.tsv') {
    throw new UnshakeError('INVALID_REQUEST', await noPairsMessage(dir));
  }
  const split = splitAndReport(
    () => (o.saved
      ? { train: pick(report.valid, o.saved.train, 'pair'), validation: pick(report.valid, o.saved.validation, 'pair'), note: null }
      : splitPairs(report.valid, o.validationFraction, o.seed)),
    (p) => p.sharpHash,
    (counts) => ({ type: 'data', source: 'pairs', report, ...counts }),
    emit,
  );
  return {
    source: 'pairs',
    train: names(split.train),
    validation: names(split.validation),
    validationSet: await loadValidationSet(split.validation, o.validationCrop, o.signal),
    heldOut: split.heldOut,
    sampler: (rng, startBatch) => new CropSampler(split.train, { crop: o.crop, batch: o.batch, rng, seed: o.seed, startBatch }),
    summary: {
      source: 'pairs',
      folder: path.resolve(dir),
      layout: report.layout,
      trainPairs: names(split.train),
      validationPairs: names(split.validation),
      rejected: report.rejected.map((r) => ({ name: r.name, reason: r.reason })),
      // Said as the panel lists them, relative to the folder: "blur/c.png", a nested one's folders too.
      unpaired: report.unmatched.map((u) => ({ file: path.relative(path.resolve(dir), u.file), reason: u.reason })),
      realigned: report.valid.filter((p) => p.shift.dx || p.shift.dy).map((p) => ({ name: p.name, ...p.shift })),
    },
  };
}

async function mildSynthesis(file: string, o: DataOptions, share: number): Promise<NonNullable<SynthSamplerOptions['mild']>> {
  const spec = await loadSynthesisSpec(file);
  return { synth: { spec, bank: (await loadKernelBank(spec, o.sharedDataDir ?? defaultSharedDataDir())).kernels }, share };
}

async function sharpData(dir: string, o: DataOptions, emit: (e: DataEvent | CheckingEvent) => void): Promise<TrainingData> {
  const specFile = path.resolve(o.synthesisSpecPath ?? defaultSynthesisSpecPath());
  const spec = await loadSynthesisSpec(specFile);
  const bank = await loadKernelBank(spec, o.sharedDataDir ?? defaultSharedDataDir());
  const synth = { spec, bank: bank.kernels };
  const mildShare = o.mildShare ?? DEFAULT_MILD_SHARE;
  const mildSpecFile = mildShare > 0 ? path.resolve(o.mildSpecPath ?? defaultMildSpecPath()) : null;
  const mild = mildSpecFile ? await mildSynthesis(mildSpecFile, o, mildShare) : undefined;
  // A training crop needs the largest kernel's margin around it.
  const minSize = o.crop + maxKernelSize(spec, bank.kernels) - 1;
  const report = await validateSharpFolder(dir, { minSize }, (checked, total) => emit({ type: 'checking', what: 'photos', checked, total }), o.signal);
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
    (p) => p.name,
    (counts) => ({ type: 'data', source: 'sharp', report, synthesis, ...counts }),
    emit,
  );
  return {
    source: 'sharp',
    train: names(split.train),
    validation: names(split.validation),
    validationSet: await syntheticValidationSet(split.validation, synth, o.validationCrop, o.seed, o.signal),
    heldOut: split.heldOut,
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
export async function prepareTrainingData(o: DataOptions, emit: (e: DataEvent | CheckingEvent) => void): Promise<TrainingData> {
  return dataSourceOf(o) === 'pairs' ? pairsData(o.pairsDir!, o, emit) : sharpData(o.sharpDir!, o, emit);
}
