import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';
import type { ModelManifest } from '../models/manifest.js';
import { optimizerGroup, restoreOptimizer, saveCheckpoint, variableGroup } from './checkpoint.js';
import { createCritic, type PatchCritic } from './critic.js';
import { DEFAULT_LOSS_WEIGHTS, type LossWeights } from './losses.js';
import { assertNewModelId, exportFineTuned, type ExportedModel, type TrainingSummary } from './model-export.js';
import { buildGenerator, decoderWeightNames, type TrainableGenerator } from './onnx-to-tf.js';
import { Rng } from './random.js';
import { loadRun, runDirFor, runSettings, type RunState, type TrainMode } from './train-run.js';
import { disposeNets, trainStep } from './train-step.js';
import { scoreSet, type Scores } from './train-validation.js';
import { dataSourceOf, prepareTrainingData, type DataEvent } from './training-data.js';
import { loadVgg, type VggFeatures } from './vgg.js';

/**
 * The fine-tuning loop: validate the data (pairs, or sharp-only photos for synthetic shake) →
 * score the base model on held-out crops → train with progress events, checkpoints every N
 * steps and on cancel (resumable) → export a new model into the user's library. The caller
 * picks the TF.js backend first (backend.ts).
 */
export interface TrainOptions {
  baseOnnxPath: string;
  baseManifest: ModelManifest;
  /** Exactly one of pairsDir (blurred/sharp pairs) and sharpDir (sharp-only photos). */
  pairsDir?: string;
  sharpDir?: string;
  /** Synthetic-shake spec and shared data folder (kernel bank) for sharpDir; repo defaults. */
  synthesisSpecPath?: string;
  sharedDataDir?: string;
  /** Share of sharp-only samples with mild (0–8 px) shake, default 0.1, and its spec (repo default). */
  mildShare?: number;
  mildSpecPath?: string;
  modelsDir: string;
  outId: string;
  outName?: string;
  steps: number;
  crop?: number;
  batch?: number;
  learningRate?: number;
  weights?: Partial<LossWeights>;
  /** A resumed run keeps the crop, critic width and mode it started with; a different one is refused. */
  criticWidth?: number;
  /** The critic width of a new run when criticWidth is not given (CLI: by backend); default 64. */
  defaultCriticWidth?: number;
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

export type { TrainMode } from './train-run.js';

export type TrainEvent =
  | DataEvent
  | { type: 'validation'; step: number; input: Scores; base: Scores; current: Scores }
  | { type: 'step'; step: number; total: number; losses: Record<string, number>; stepsPerSecond: number; etaSeconds: number }
  | { type: 'checkpoint'; step: number; path: string; reason: 'interval' | 'cancel' }
  | { type: 'resumed'; step: number; mode: TrainMode; crop: number; criticWidth: number };

export interface TrainResult {
  model: ExportedModel;
  summary: TrainingSummary;
}

interface Run {
  gen: TrainableGenerator;
  critic: PatchCritic | null;
  vgg: VggFeatures | null;
  genOpt: tf.Optimizer;
  criticOpt: tf.Optimizer | null;
}

async function checkpoint(run: Run, dir: string, state: RunState): Promise<string> {
  const groups = {
    generator: variableGroup(await run.gen.readWeights(), run.gen.variables),
    genOpt: await optimizerGroup(run.genOpt),
    ...(run.critic && run.criticOpt
      ? { critic: variableGroup(await run.critic.readWeights(), run.critic.variables), criticOpt: await optimizerGroup(run.criticOpt) }
      : {}),
  };
  return saveCheckpoint(dir, state.step, state, groups);
}

const plain = (g: Map<string, { data: Float32Array }> | undefined) => new Map([...(g ?? [])].map(([k, v]) => [k, v.data]));

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const batch = o.batch ?? 4;
  const weights: LossWeights = { ...DEFAULT_LOSS_WEIGHTS, ...o.weights };
  const emit = o.onEvent ?? (() => {});
  const source = dataSourceOf(o);
  const runDir = runDirFor(o.modelsDir, o.outId);
  await assertNewModelId(o.modelsDir, o.outId, o.baseOnnxPath);
  const saved = await loadRun(o, runDir);
  if (saved && !o.resume) throw new UnshakeError('OUTPUT_EXISTS', `An interrupted run for "${o.outId}" exists; resume it with --resume --out ${o.outId} or choose another name.`);
  if (!saved && o.resume) throw new UnshakeError('INVALID_REQUEST', `There is no interrupted run for "${o.outId}" to resume in ${o.modelsDir}.`);
  const { mode, crop, criticWidth } = runSettings(o, saved?.state);

  const baseBytes = new Uint8Array(await readFile(o.baseOnnxPath));
  const baseSha256 = createHash('sha256').update(baseBytes).digest('hex');
  if (saved && saved.state.baseSha256 !== baseSha256) {
    throw new UnshakeError('INVALID_REQUEST', 'The interrupted run started from a different base model file; start a new run.');
  }
  if (saved && (saved.state.source ?? 'pairs') !== source) {
    throw new UnshakeError('INVALID_REQUEST', `The interrupted run trained on ${saved.state.source === 'sharp' ? 'sharp-only photos (--sharp)' : 'pairs (--pairs)'}; resume it with the same kind of folder.`);
  }
  const decoderNames = mode === 'decoder' ? decoderWeightNames(baseBytes) : new Set<string>();
  // A resumed run keeps its seed: it fixes the synthetic validation items.
  const seed = saved?.state.seed ?? o.seed ?? 1;
  const data = await prepareTrainingData({
    pairsDir: o.pairsDir,
    sharpDir: o.sharpDir,
    crop,
    batch,
    validationFraction: o.validationFraction ?? 0.2,
    validationCrop: o.validationCrop ?? 256,
    seed,
    synthesisSpecPath: o.synthesisSpecPath,
    sharedDataDir: o.sharedDataDir,
    mildShare: o.mildShare,
    mildSpecPath: o.mildSpecPath,
    saved: saved ? { train: saved.state.train, validation: saved.state.validation } : undefined,
  }, emit);
  const valSet = data.validationSet;

  const run: Run = {
    gen: buildGenerator(baseBytes, mode === 'decoder' ? { trainable: (n) => decoderNames.has(n) } : {}),
    critic: weights.adversarial > 0 ? createCritic(criticWidth, seed) : null,
    vgg: null,
    genOpt: tf.train.adam(o.learningRate ?? 1e-4, 0.9, 0.999),
    criticOpt: weights.adversarial > 0 ? tf.train.adam(1e-4, 0.5, 0.999) : null,
  };
  try {
    if (weights.perceptual > 0) run.vgg = await loadVgg(o.vggDir);
    // Recorded on resume too, so an older checkpoint saved again keeps them from now on.
    const state: RunState = saved ? { outName: o.outName, ...saved.state, mode, crop, criticWidth } : {
      step: 0,
      rng: seed * 7919,
      source,
      seed,
      baseSha256,
      outId: o.outId,
      train: data.train,
      validation: data.validation,
      baseline: { input: await scoreSet(null, valSet), base: await scoreSet(run.gen, valSet) },
      mode,
      crop,
      criticWidth,
      outName: o.outName,
    };
    if (saved) {
      run.gen.assignWeights(plain(saved.groups.generator));
      run.critic?.assignWeights(plain(saved.groups.critic));
      await restoreOptimizer(run.genOpt, saved.groups.genOpt);
      if (run.criticOpt) await restoreOptimizer(run.criticOpt, saved.groups.criticOpt);
      emit({ type: 'resumed', step: state.step, mode, crop, criticWidth });
    } else {
      emit({ type: 'validation', step: 0, ...state.baseline, current: state.baseline.base });
    }
    await mkdir(runDir, { recursive: true });
    const rng = new Rng(state.rng);
    const sampler = data.sampler(rng);
    // One critic update per step, not the paper's 5 (train.py's --n-critic): the critic is much of
    // a step's cost on CPU-bound backends, and runs 40-41 measured the defaults with one.
    const nets = { ...run, weights, criticSteps: o.criticSteps ?? 1 };
    const startStep = state.step;
    const started = performance.now();
    while (state.step < o.steps) {
      if (o.signal?.aborted) {
        state.rng = rng.state;
        emit({ type: 'checkpoint', step: state.step, path: await checkpoint(run, runDir, state), reason: 'cancel' });
        throw new UnshakeError('CANCELLED', `Training of "${o.outId}" was cancelled at step ${state.step} of ${o.steps}; a checkpoint was saved: continue with --resume --out ${o.outId}.`);
      }
      const losses = await trainStep(nets, await sampler.nextBatch(), state.step + 1);
      state.step++;
      state.rng = rng.state;
      const rate = (state.step - startStep) / ((performance.now() - started) / 1000);
      emit({ type: 'step', step: state.step, total: o.steps, losses, stepsPerSecond: rate, etaSeconds: (o.steps - state.step) / rate });
      if (o.validateEvery && state.step % o.validateEvery === 0 && state.step < o.steps) {
        emit({ type: 'validation', step: state.step, ...state.baseline, current: await scoreSet(run.gen, valSet) });
      }
      if (o.checkpointEvery && state.step % o.checkpointEvery === 0 && state.step < o.steps) {
        emit({ type: 'checkpoint', step: state.step, path: await checkpoint(run, runDir, state), reason: 'interval' });
      }
    }
    const fineTuned = await scoreSet(run.gen, valSet);
    emit({ type: 'validation', step: state.step, ...state.baseline, current: fineTuned });
    const summary: TrainingSummary = {
      baseModel: { id: o.baseManifest.id, file: path.basename(o.baseOnnxPath), sha256: baseSha256 },
      data: data.summary,
      steps: state.step,
      mode,
      crop,
      batch,
      backend: tf.getBackend(),
      lossWeights: { ...weights },
      validation: { ...state.baseline, fineTuned, crop: o.validationCrop ?? 256 },
      finishedAt: new Date().toISOString(),
    };
    const model = await exportFineTuned({
      baseBytes,
      weights: await run.gen.readWeights(),
      modelsDir: o.modelsDir,
      id: o.outId,
      name: state.outName ?? o.outName ?? o.outId,
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
