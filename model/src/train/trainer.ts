import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { scoredOn } from '../../../electron/common/training.js';
import { UnshakeError } from '../errors.js';
import type { ModelManifest } from '../models/manifest.js';
import { recordBackend } from './backend-record.js';
import { createCritic } from './critic.js';
import type { LossWeights } from './losses.js';
import { exportFineTuned, type ExportedModel, type TrainingSummary } from './model-export.js';
import { buildGenerator, decoderWeightNames } from './onnx-to-tf.js';
import { Rng } from './random.js';
import { runSettings, type RunSettings } from './run-settings.js';
import { lockRun, removeEmptyFolders, sweepStaleRuns } from './run-lock.js';
import { resumeOptions } from './resume-hint.js';
import { restoreNets, saveRunCheckpoint, withKept, type SavedRun, type TrainingNets } from './train-checkpoint.js';
import { openRun, removeRunDir, removeRunDirWithoutCheckpoint, resumedFolders, runDirFor, trainingRunsDir, type RunState, type TrainMode } from './train-run.js';
import { disposeNets, trainStep } from './train-step.js';
import { StoppedBeforeTraining, stoppedBeforeTraining, throwIfStopped } from './train-stop.js';
import { scoreSet, unusableScores, type Scores } from './train-validation.js';
import { dataSourceOf, prepareTrainingData, type CheckingEvent, type DataEvent, type DataSourceKind } from './training-data.js';
import { loadVgg } from './vgg.js';

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
  /** The shipped models' folder in the packaged app: a new model's id must not be one of theirs. */
  bundledDir?: string;
  outId: string;
  outName?: string;
  /** Total steps (default 1000; a resumed run keeps its own unless this is given). */
  steps?: number;
  /** A resumed run keeps these, and the loss weights, mode and critic width (run-settings.ts). */
  crop?: number;
  batch?: number;
  learningRate?: number;
  weights?: Partial<LossWeights>;
  criticWidth?: number;
  /** The critic width of a new run when criticWidth is not given (CLI: by backend); default 64. */
  defaultCriticWidth?: number;
  /** 'decoder': train only the decoder and tail (lighter on slow backends); default 'full'. */
  mode?: TrainMode;
  criticSteps?: number;
  /** Steps between checkpoints; a resumed run keeps its recorded one unless this is given. */
  checkpointEvery?: number;
  /** The interval when none is given or recorded (the app's); default 100. */
  defaultCheckpointEvery?: number;
  /** Validate every N steps; a function gets the run's total steps. */
  validateEvery?: number | ((steps: number) => number);
  validationFraction?: number;
  validationCrop?: number;
  seed?: number;
  resume?: boolean;
  /**
   * Command-line options besides --out that find this run again (a non-default --models-dir,
   * --base), repeated in every "continue with --resume" hint. The app finds its runs itself.
   */
  findAgain?: string[];
  vggDir?: string;
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
}

export type { TrainMode } from './train-run.js';

export type TrainEvent =
  | DataEvent
  | CheckingEvent
  | { type: 'validation'; step: number; input: Scores; base: Scores; current: Scores }
  | { type: 'step'; step: number; total: number; losses: Record<string, number>; stepsPerSecond: number; etaSeconds: number }
  | { type: 'checkpoint'; step: number; path: string; reason: 'interval' | 'cancel' }
  | ({ type: 'resumed'; step: number } & RunSettings);

export interface TrainResult {
  model: ExportedModel;
  summary: TrainingSummary;
  /** --resume found the model this run had already exported, and removed its stale checkpoint. */
  alreadyFinished?: boolean;
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  // A resumed run may omit its folder: the one it recorded is checked once it is read.
  if (!o.resume) dataSourceOf(o);
  const runDir = runDirFor(o.modelsDir, o.outId);
  await sweepStaleRuns(trainingRunsDir(o.modelsDir));
  // Before anything is read: a run another trainer holds is refused, not shared (run-lock.ts).
  const lock = await lockRun(runDir, o.outId);
  // The step of the checkpoint a stop before the first step leaves (a resumed run's), else none.
  let keptStep: number | null = null;
  try {
    const { saved, finished } = await openRun(o);
    if (finished) return { ...finished, alreadyFinished: true };
    keptStep = saved?.state.step ?? null;
    const folders = saved ? await resumedFolders(o, saved.state) : { pairsDir: o.pairsDir, sharpDir: o.sharpDir };
    const run = { ...o, pairsDir: folders.pairsDir, sharpDir: folders.sharpDir };
    return await train(run, dataSourceOf(run), saved, runSettings(o, saved?.state), runDir);
  } catch (error) {
    // Never another trainer's folder: this one holds the lock. A refused run leaves no folder.
    await removeRunDirWithoutCheckpoint(runDir);
    await removeEmptyFolders(o.modelsDir, lock.made);
    // Said as what is left once the folder is cleaned: nothing, or the resumed run's checkpoint.
    if (error instanceof StoppedBeforeTraining) throw stoppedBeforeTraining(o.outId, keptStep, o.findAgain);
    throw error;
  } finally {
    lock.release();
  }
}

async function train(o: TrainOptions, source: DataSourceKind, saved: SavedRun | null, settings: RunSettings, runDir: string): Promise<TrainResult> {
  const { mode, crop, criticWidth, batch, weights, steps, validationCrop } = settings;
  const validateEvery = typeof o.validateEvery === 'function' ? o.validateEvery(steps) : o.validateEvery;
  const emit = o.onEvent ?? (() => {});
  throwIfStopped(o.signal);

  const baseBytes = new Uint8Array(await readFile(o.baseOnnxPath));
  const baseSha256 = createHash('sha256').update(baseBytes).digest('hex');
  if (saved && saved.state.baseSha256 !== baseSha256) {
    throw new UnshakeError('INVALID_REQUEST', 'The interrupted run started from a different base model file; start a new run.');
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
    validationCrop,
    seed,
    synthesisSpecPath: settings.synthesisSpec,
    sharedDataDir: o.sharedDataDir,
    mildShare: settings.mildShare,
    mildSpecPath: o.mildSpecPath,
    saved: saved ? { train: saved.state.train, validation: saved.state.validation } : undefined,
    signal: o.signal,
  }, emit);
  const valSet = data.validationSet;

  const run: TrainingNets = {
    gen: buildGenerator(baseBytes, mode === 'decoder' ? { trainable: (n) => decoderNames.has(n) } : {}),
    critic: weights.adversarial > 0 ? createCritic(criticWidth, seed) : null,
    vgg: null,
    genOpt: tf.train.adam(settings.learningRate, 0.9, 0.999),
    criticOpt: weights.adversarial > 0 ? tf.train.adam(1e-4, 0.5, 0.999) : null,
  };
  try {
    if (weights.perceptual > 0) run.vgg = await loadVgg(o.vggDir);
    // Recorded on resume too, so an older checkpoint saved again keeps them from now on.
    const recorded = { folder: path.resolve((o.pairsDir ?? o.sharpDir)!), baseId: o.baseManifest.id };
    // A moved folder (train-run.ts resumedFolders) is recorded where it is now.
    const state: RunState = saved ? { outName: o.outName, ...saved.state, ...recorded, ...settings } : {
      step: 0,
      rng: seed * 7919,
      source,
      seed,
      baseSha256,
      outId: o.outId,
      train: data.train,
      validation: data.validation,
      baseline: { input: await scoreSet(null, valSet, undefined, o.signal), base: await scoreSet(run.gen, valSet, o.baseManifest.id, o.signal) },
      ...settings,
      outName: o.outName,
      ...recorded,
    };
    if (!saved && unusableScores(state.baseline.base)) {
      throw new UnshakeError(
        'MODEL_INVALID',
        `The model "${o.baseManifest.id}" produces invalid values (not numbers) instead of an image on ${scoredOn(data.heldOut)}, so it cannot be fine-tuned. Start from the base model, or remove this one.`,
      );
    }
    /** A run whose model outputs NaN cannot recover: its model is not saved, nor its checkpoints kept. */
    const checkUsable = async (scores: Scores) => {
      if (!unusableScores(scores)) return;
      await removeRunDir(runDir);
      throw new UnshakeError(
        'MODEL_INVALID',
        `Training went wrong: at step ${state.step} the fine-tuned model produces invalid values (not numbers) on ${scoredOn(data.heldOut)}, so it was not saved. Train again, on other photos or for fewer steps; the model in use stays as it is.`,
      );
    };
    // This session's backend joins the run's list (saved with each checkpoint, written to training.json).
    state.backends = [...(state.backends ?? []), recordBackend(state.step)];
    if (saved) {
      await restoreNets(run, saved);
      emit({ type: 'resumed', step: state.step, ...settings });
    } else {
      emit({ type: 'validation', step: 0, ...state.baseline, current: state.baseline.base });
    }
    let kept = saved ? state.step : null;
    const save = async (reason: 'interval' | 'cancel') => {
      emit({ type: 'checkpoint', step: state.step, path: await saveRunCheckpoint(run, runDir, state, kept, resumeOptions(o.outId, o.findAgain)), reason });
      kept = state.step;
    };
    const rng = new Rng(state.rng);
    const sampler = data.sampler(rng, state.step);
    // One critic update per step, not the paper's 5 (train.py's --n-critic): the critic is much of
    // a step's cost on CPU-bound backends, and runs 40-41 measured the defaults with one.
    const nets = { ...run, weights, criticSteps: o.criticSteps ?? 1 };
    const startStep = state.step;
    const started = performance.now();
    /** A stop asked for during the last step: saved after it, then the run ends as cancelled. */
    const stopIfAsked = async () => {
      // One turn of the event loop, so a Ctrl-C that came during the last step is seen now even
      // on the CPU backend, whose steps never wait for I/O.
      await new Promise((resolve) => setImmediate(resolve));
      if (!o.signal?.aborted) return;
      // Nothing trained in this session: a new run keeps nothing, a resumed one its checkpoint as it is.
      if (state.step === startStep) throw new StoppedBeforeTraining();
      state.rng = rng.state;
      await save('cancel');
      throw new UnshakeError('CANCELLED', `Training of "${o.outId}" was cancelled at step ${state.step} of ${steps}; a checkpoint was saved: continue with ${resumeOptions(o.outId, o.findAgain)}.`);
    };
    while (state.step < steps) {
      await stopIfAsked();
      const losses = await trainStep(nets, await sampler.nextBatch(), state.step + 1);
      state.step++;
      state.rng = rng.state;
      const rate = (state.step - startStep) / ((performance.now() - started) / 1000);
      emit({ type: 'step', step: state.step, total: steps, losses, stepsPerSecond: rate, etaSeconds: (steps - state.step) / rate });
      // Not when stopping: the checkpoint should follow the step at once.
      if (validateEvery && state.step % validateEvery === 0 && state.step < steps && !o.signal?.aborted) {
        const current = await scoreSet(run.gen, valSet);
        await checkUsable(current);
        emit({ type: 'validation', step: state.step, ...state.baseline, current });
      }
      if (state.step % settings.checkpointEvery === 0 && state.step < steps && !o.signal?.aborted) {
        await save('interval');
      }
    }
    // Stopped with the last step: kept to resume (which then only measures and exports), not
    // exported as a model the user was told was stopped.
    if (state.step > startStep) await stopIfAsked();
    const fineTuned = await scoreSet(run.gen, valSet);
    await checkUsable(fineTuned);
    emit({ type: 'validation', step: state.step, ...state.baseline, current: fineTuned });
    const summary: TrainingSummary = {
      baseModel: { id: o.baseManifest.id, file: path.basename(o.baseOnnxPath), sha256: baseSha256, ...(o.baseManifest.version === undefined ? {} : { version: o.baseManifest.version }) },
      data: data.summary,
      steps: state.step,
      mode,
      crop,
      batch,
      learningRate: settings.learningRate,
      backend: tf.getBackend(),
      backends: state.backends,
      lossWeights: { ...weights },
      validation: { ...state.baseline, fineTuned, crop: validationCrop, heldOut: data.heldOut },
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
    }).catch((error: unknown) => {
      throw withKept(error, kept, resumeOptions(o.outId, o.findAgain));
    });
    await removeRunDir(runDir);
    return { model, summary };
  } finally {
    disposeNets(run);
  }
}
