import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';
import type { ModelManifest } from '../models/manifest.js';
import { loadCheckpoint, optimizerGroup, restoreOptimizer, saveCheckpoint, variableGroup } from './checkpoint.js';
import { createCritic, type PatchCritic } from './critic.js';
import { CropSampler } from './crop-sampler.js';
import { DEFAULT_LOSS_WEIGHTS, type LossWeights } from './losses.js';
import { assertNewModelId, exportFineTuned, type ExportedModel, type TrainingSummary } from './model-export.js';
import { buildGenerator, decoderWeightNames, type TrainableGenerator } from './onnx-to-tf.js';
import { splitPairs, validatePairs, type PairValidation, type TrainingPair } from './pairs.js';
import { Rng } from './random.js';
import { disposeNets, trainStep } from './train-step.js';
import { loadValidationSet, scoreSet, type Scores } from './train-validation.js';
import { loadVgg, type VggFeatures } from './vgg.js';

/**
 * The fine-tuning loop: validate pairs → score the base model on held-out crops → train with
 * progress events, checkpoints every N steps and on cancel (resumable) → export a new model
 * into the user's library. The caller picks the TF.js backend first (backend.ts).
 */
export interface TrainOptions {
  baseOnnxPath: string;
  baseManifest: ModelManifest;
  pairsDir: string;
  modelsDir: string;
  outId: string;
  outName?: string;
  steps: number;
  crop?: number;
  batch?: number;
  learningRate?: number;
  weights?: Partial<LossWeights>;
  criticWidth?: number;
  /** 'decoder': train only the decoder and tail (lighter on slow backends); default 'full'. */
  mode?: TrainMode;
  criticSteps?: number;
  checkpointEvery?: number;
  validateEvery?: number;
  validationFraction?: number;
  validationCrop?: number;
  seed?: number;
  resume?: boolean;
  vggDir?: string;
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
}

export type TrainMode = 'full' | 'decoder';

export type TrainEvent =
  | { type: 'data'; report: PairValidation; train: number; validation: number; note: string | null }
  | { type: 'validation'; step: number; input: Scores; base: Scores; current: Scores }
  | { type: 'step'; step: number; total: number; losses: Record<string, number>; stepsPerSecond: number; etaSeconds: number }
  | { type: 'checkpoint'; step: number; path: string; reason: 'interval' | 'cancel' }
  | { type: 'resumed'; step: number };

export interface TrainResult {
  model: ExportedModel;
  summary: TrainingSummary;
}

interface RunState {
  step: number;
  rng: number;
  baseSha256: string;
  outId: string;
  train: string[];
  validation: string[];
  baseline: { input: Scores; base: Scores };
}

interface Run {
  gen: TrainableGenerator;
  critic: PatchCritic | null;
  vgg: VggFeatures | null;
  genOpt: tf.Optimizer;
  criticOpt: tf.Optimizer | null;
}

export function runDirFor(modelsDir: string, id: string): string {
  return path.join(modelsDir, '.training', id);
}

async function checkpoint(run: Run, dir: string, state: RunState): Promise<string> {
  const groups = {
    generator: variableGroup(run.gen.readWeights(), run.gen.variables),
    genOpt: await optimizerGroup(run.genOpt),
    ...(run.critic && run.criticOpt
      ? { critic: variableGroup(run.critic.readWeights(), run.critic.variables), criticOpt: await optimizerGroup(run.criticOpt) }
      : {}),
  };
  return saveCheckpoint(dir, state.step, state, groups);
}

const plain = (g: Map<string, { data: Float32Array }> | undefined) => new Map([...(g ?? [])].map(([k, v]) => [k, v.data]));

function pick(valid: TrainingPair[], names: string[]): TrainingPair[] {
  return names.map((n) => {
    const p = valid.find((v) => v.name === n);
    if (!p) throw new UnshakeError('INVALID_REQUEST', `The pair "${n}" of the interrupted run is no longer valid in the pairs folder; start a new run.`);
    return p;
  });
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const crop = o.crop ?? 256;
  const batch = o.batch ?? 4;
  const weights: LossWeights = { ...DEFAULT_LOSS_WEIGHTS, ...o.weights };
  const emit = o.onEvent ?? (() => {});
  const runDir = runDirFor(o.modelsDir, o.outId);
  await assertNewModelId(o.modelsDir, o.outId, o.baseOnnxPath);
  const saved = await loadCheckpoint<RunState>(runDir);
  if (saved && !o.resume) throw new UnshakeError('OUTPUT_EXISTS', `An interrupted run for "${o.outId}" exists; resume it with --resume or choose another name.`);
  if (!saved && o.resume) throw new UnshakeError('INVALID_REQUEST', `There is no interrupted run for "${o.outId}" to resume in ${o.modelsDir}.`);

  const baseBytes = new Uint8Array(await readFile(o.baseOnnxPath));
  const baseSha256 = createHash('sha256').update(baseBytes).digest('hex');
  if (saved && saved.state.baseSha256 !== baseSha256) {
    throw new UnshakeError('INVALID_REQUEST', 'The interrupted run started from a different base model file; start a new run.');
  }
  const decoderNames = o.mode === 'decoder' ? decoderWeightNames(baseBytes) : new Set<string>();
  const report = await validatePairs(o.pairsDir, { minSize: crop });
  const split = saved
    ? { train: pick(report.valid, saved.state.train), validation: pick(report.valid, saved.state.validation), note: null }
    : splitPairs(report.valid, o.validationFraction ?? 0.2, o.seed ?? 1);
  emit({ type: 'data', report, train: split.train.length, validation: split.validation.length, note: split.note });
  const valSet = await loadValidationSet(split.validation, o.validationCrop ?? 256);

  const run: Run = {
    gen: buildGenerator(baseBytes, o.mode === 'decoder' ? { trainable: (n) => decoderNames.has(n) } : {}),
    critic: weights.adversarial > 0 ? createCritic(o.criticWidth ?? 64, o.seed ?? 1) : null,
    vgg: null,
    genOpt: tf.train.adam(o.learningRate ?? 1e-4, 0.9, 0.999),
    criticOpt: weights.adversarial > 0 ? tf.train.adam(1e-4, 0.5, 0.999) : null,
  };
  try {
    if (weights.perceptual > 0) run.vgg = await loadVgg(o.vggDir);
    const state: RunState = saved?.state ?? {
      step: 0,
      rng: (o.seed ?? 1) * 7919,
      baseSha256,
      outId: o.outId,
      train: split.train.map((p) => p.name),
      validation: split.validation.map((p) => p.name),
      baseline: { input: scoreSet(null, valSet), base: scoreSet(run.gen, valSet) },
    };
    if (saved) {
      run.gen.assignWeights(plain(saved.groups.generator));
      run.critic?.assignWeights(plain(saved.groups.critic));
      await restoreOptimizer(run.genOpt, saved.groups.genOpt);
      if (run.criticOpt) await restoreOptimizer(run.criticOpt, saved.groups.criticOpt);
      emit({ type: 'resumed', step: state.step });
    } else {
      emit({ type: 'validation', step: 0, ...state.baseline, current: state.baseline.base });
    }
    await mkdir(runDir, { recursive: true });
    const rng = new Rng(state.rng);
    const sampler = new CropSampler(split.train, { crop, batch, rng });
    const nets = { ...run, weights, criticSteps: o.criticSteps ?? 1 };
    const startStep = state.step;
    const started = performance.now();
    while (state.step < o.steps) {
      if (o.signal?.aborted) {
        state.rng = rng.state;
        emit({ type: 'checkpoint', step: state.step, path: await checkpoint(run, runDir, state), reason: 'cancel' });
        throw new UnshakeError('CANCELLED', `Training was cancelled at step ${state.step} of ${o.steps}; a checkpoint was saved, continue with --resume.`);
      }
      const losses = trainStep(nets, await sampler.nextBatch(), state.step + 1);
      state.step++;
      state.rng = rng.state;
      const rate = (state.step - startStep) / ((performance.now() - started) / 1000);
      emit({ type: 'step', step: state.step, total: o.steps, losses, stepsPerSecond: rate, etaSeconds: (o.steps - state.step) / rate });
      if (o.validateEvery && state.step % o.validateEvery === 0 && state.step < o.steps) {
        emit({ type: 'validation', step: state.step, ...state.baseline, current: scoreSet(run.gen, valSet) });
      }
      if (o.checkpointEvery && state.step % o.checkpointEvery === 0 && state.step < o.steps) {
        emit({ type: 'checkpoint', step: state.step, path: await checkpoint(run, runDir, state), reason: 'interval' });
      }
    }
    const fineTuned = scoreSet(run.gen, valSet);
    emit({ type: 'validation', step: state.step, ...state.baseline, current: fineTuned });
    const summary: TrainingSummary = {
      baseModel: { id: o.baseManifest.id, file: path.basename(o.baseOnnxPath), sha256: baseSha256 },
      data: {
        folder: path.resolve(o.pairsDir),
        layout: report.layout,
        trainPairs: state.train,
        validationPairs: state.validation,
        rejected: report.rejected.map((r) => ({ name: r.name, reason: r.reason })),
      },
      steps: state.step,
      mode: o.mode ?? 'full',
      crop,
      batch,
      backend: tf.getBackend(),
      lossWeights: { ...weights },
      validation: { ...state.baseline, fineTuned, crop: o.validationCrop ?? 256 },
      finishedAt: new Date().toISOString(),
    };
    const model = await exportFineTuned({
      baseBytes,
      weights: run.gen.readWeights(),
      modelsDir: o.modelsDir,
      id: o.outId,
      name: o.outName ?? o.outId,
      baseManifest: o.baseManifest,
      parameters: run.gen.parameterCount,
      summary,
    });
    await rm(runDir, { recursive: true, force: true });
    await rmdir(path.dirname(runDir)).catch(() => {}); // only when no other run is in progress
    return { model, summary };
  } finally {
    disposeNets(run);
  }
}
