import { FINAL_TRAINING_STAGE, psnrText } from '../../../electron/common/training.js';
import { UnshakeError } from '../errors.js';
import type { BackendChoice } from './backend.js';
import { resolveBase } from './base-model.js';
import { formatDuration } from './cli-train-format.js';
import { assertNewModelId, isModelId } from './model-export.js';
import { freeDatedId, slug } from './model-name.js';
import { listCheckpoints } from './checkpoint.js';
import { panelDataLines, skippedFiles } from './panel-data-lines.js';
import { inUseMessage, lockRun, runHolder, sweepStaleRuns } from './run-lock.js';
import { removeRunDir, runDirFor, trainingRunsDir, type RunState } from './train-run.js';
import type { TrainEvent, TrainMode, TrainOptions } from './trainer.js';
import type { Scores } from './train-validation.js';

/**
 * Fine-tuning as the app's training panel asks for it: a new run from a model in the library on
 * a folder, or an interrupted run resumed by its id, with plain-language progress. The CLI
 * (cli-train.ts) exposes every knob; the panel the few a photographer needs, plus the advanced
 * ones that make a run fit a slow machine.
 */
export interface FineTuneSettings {
  crop?: number;
  batch?: number;
  perceptualWeight?: number;
  criticWidth?: number;
  mode?: TrainMode;
  checkpointEvery?: number;
}

type Library = { modelsDir: string; bundledDir?: string };
export type FineTuneRequest =
  | (Library & { kind: 'new'; runId: string; baseModelId: string; source: 'pairs' | 'sharp'; folder: string; name: string; steps: number; settings?: FineTuneSettings })
  | (Library & { kind: 'resume'; runId: string });

export interface FineTuneProgress {
  fraction: number;
  stage: string;
  /** What stays true for the run: the backend, the data, the latest held-out scores. */
  detail: string[];
}

export interface FineTuneOptions {
  /** Where the trainer's resources are in a packaged app (default: this source tree's). */
  vggDir?: string;
  synthesisSpecPath?: string;
  mildSpecPath?: string;
  sharedDataDir?: string;
  signal?: AbortSignal;
  onProgress(progress: FineTuneProgress): void;
}

export interface FineTuneOutcome {
  modelId: string;
  name: string;
  /** Where it trained, in words ("the processor (JavaScript)"). */
  backend: string;
  steps: number;
  /** heldOut false: measured on the training photos themselves (training.json's validation.heldOut). */
  scores: { input: Scores; base: Scores; fineTuned: Scores; heldOut: boolean };
}

/** An interrupted run as the panel lists it. */
export interface InterruptedRun {
  id: string;
  name: string;
  step: number;
  steps: number | null;
  source: 'pairs' | 'sharp';
  /** null: a checkpoint from before folders were recorded, resumable only from the CLI. */
  folder: string | null;
  baseModelId: string | null;
  /** Its checkpoint cannot be read (cut short, edited): it can only be discarded. */
  damaged: boolean;
}

const DEFAULT_CHECKPOINT_EVERY = 25;

export async function fineTune(request: FineTuneRequest, options: FineTuneOptions): Promise<FineTuneOutcome> {
  const lines = { backend: '', data: '', note: '', skipped: '', scores: '' };
  // The data event says it first (a resumed run's too); the scores line and the outcome follow it.
  let heldOut = true;
  let skipped: string[] = [];
  let fraction = 0;
  let stage = '';
  const report = (next: string = stage) => {
    stage = next;
    options.onProgress({ fraction, stage, detail: Object.values(lines).filter(Boolean) });
  };

  report('Loading TensorFlow.js');
  // Imported here, not at the top: listing and discarding runs, and planning one, never load TF.js.
  const [{ defaultCriticWidth, isCpuBound, loadBestBackend }, { trainModel }] = await Promise.all([import('./backend.js'), import('./trainer.js')]);
  const backend = await loadBestBackend();
  const runOptions = request.kind === 'new' ? await newRun(request, isCpuBound(backend)) : await resumedRun(request);
  lines.backend = plainBackend(backend);
  report('Checking the photos');

  const onEvent = (e: TrainEvent) => {
    if (e.type === 'checking') {
      report(`Checking the photos: ${e.checked} of ${e.total} pairs`);
    } else if (e.type === 'data') {
      skipped = skippedFiles(e.report);
      heldOut = e.heldOut;
      ({ data: lines.data, note: lines.note, skipped: lines.skipped } = panelDataLines(e));
      report('Measuring the starting model');
    } else if (e.type === 'validation') {
      lines.scores = `${heldOut ? 'Held-out PSNR' : 'PSNR on the training photos themselves'}: blurred ${psnrText(e.input.psnr)}, starting model ${e.base.psnr.toFixed(2)} dB, now ${e.current.psnr.toFixed(2)} dB (step ${e.step})`;
      // The step line stays (with its time left); only the scores change.
      report(e.step === 0 ? 'Training' : undefined);
    } else if (e.type === 'resumed') {
      report(`Resumed at step ${e.step}`);
    } else if (e.type === 'step') {
      fraction = Math.min(1, e.step / e.total);
      const left = Number.isFinite(e.etaSeconds) && e.step < e.total ? ` · about ${formatDuration(e.etaSeconds)} left` : '';
      report(e.step < e.total ? `Step ${e.step} of ${e.total}${left}` : FINAL_TRAINING_STAGE);
    } else if (e.type === 'checkpoint' && e.reason === 'cancel') {
      report(`Stopped at step ${e.step}; saved to resume later`);
    }
  };

  let result: Awaited<ReturnType<typeof trainModel>>;
  try {
    result = await trainModel({
      ...runOptions,
      modelsDir: request.modelsDir,
      ...(request.bundledDir === undefined ? {} : { bundledDir: request.bundledDir }),
      defaultCriticWidth: defaultCriticWidth(backend),
      validateEvery: (steps) => Math.max(1, Math.floor(steps / 5)),
      ...(options.vggDir === undefined ? {} : { vggDir: options.vggDir }),
      ...(options.sharedDataDir === undefined ? {} : { sharedDataDir: options.sharedDataDir }),
      ...(options.mildSpecPath === undefined ? {} : { mildSpecPath: options.mildSpecPath }),
      // A resumed run keeps the spec it started with; a new one takes this (run-settings.ts).
      ...(options.synthesisSpecPath === undefined || request.kind === 'resume' ? {} : { synthesisSpecPath: options.synthesisSpecPath }),
      ...(options.signal ? { signal: options.signal } : {}),
      onEvent,
    });
  } catch (error) {
    throw inPanelWords(error, skipped);
  }
  const { summary, model } = result;
  return {
    modelId: model.manifest.id,
    name: model.manifest.name,
    backend: plainBackendName(backend),
    steps: summary.steps,
    scores: { input: summary.validation.input, base: summary.validation.base, fineTuned: summary.validation.fineTuned, heldOut: summary.validation.heldOut },
  };
}

type RunOptions = Omit<TrainOptions, 'modelsDir'>;

/**
 * The id a new run will save its model under (from its name), checked before the run is queued
 * so a taken name is refused at once: not a bundled or library model, not an interrupted run.
 */
export async function planRunId(r: Library & { baseModelId: string; name: string }): Promise<string> {
  const name = r.name.trim();
  if (!name) throw new UnshakeError('INVALID_REQUEST', 'Give the new model a name.');
  const base = await resolveBase(r.baseModelId, r.modelsDir, { bundledDir: r.bundledDir });
  const id = slug(name) || (await freeDatedId(r.modelsDir, base.manifest.id));
  // This process's own runs are the services' to order (a stopping one becomes interrupted).
  refuseIfTraining(r.modelsDir, id, { exceptOwn: true });
  const interrupted = (await listInterruptedRuns(r.modelsDir)).find((run) => run.id === id);
  if (interrupted) {
    throw new UnshakeError('OUTPUT_EXISTS', `An interrupted training run “${interrupted.name}” already uses that name: resume or discard it, or choose another name.`);
  }
  await assertNewModelId(r.modelsDir, id, base.onnx, r.bundledDir).catch((error: unknown) => {
    throw inPanelWords(error, []);
  });
  return id;
}

/**
 * Crop side for a new run without one on a CPU-bound backend: a step of the base generator takes
 * about 9 s at 64² and 24 s at 128² on WebGPU over a software renderer here (docs/bench.md), and
 * the trainer's 256² would be several minutes, so a few hundred steps would take days.
 */
export const CPU_BOUND_CROP = 64;

async function newRun(r: Extract<FineTuneRequest, { kind: 'new' }>, cpuBound: boolean): Promise<RunOptions> {
  const base = await resolveBase(r.baseModelId, r.modelsDir, { bundledDir: r.bundledDir });
  const s = r.settings ?? {};
  return {
    baseOnnxPath: base.onnx,
    baseManifest: base.manifest,
    ...(r.source === 'pairs' ? { pairsDir: r.folder } : { sharpDir: r.folder }),
    outId: r.runId,
    outName: r.name.trim(),
    steps: r.steps,
    checkpointEvery: s.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    ...(s.crop === undefined ? (cpuBound ? { crop: CPU_BOUND_CROP } : {}) : { crop: s.crop }),
    ...(s.batch === undefined ? {} : { batch: s.batch }),
    ...(s.criticWidth === undefined ? {} : { criticWidth: s.criticWidth }),
    ...(s.mode === undefined ? {} : { mode: s.mode }),
    ...(s.perceptualWeight === undefined ? {} : { weights: { perceptual: s.perceptualWeight } }),
  };
}

async function resumedRun(r: Extract<FineTuneRequest, { kind: 'resume' }>): Promise<RunOptions> {
  refuseIfTraining(r.modelsDir, r.runId);
  const run = (await listInterruptedRuns(r.modelsDir)).find((x) => x.id === r.runId);
  if (!run) throw new UnshakeError('INVALID_REQUEST', `There is no interrupted training run "${r.runId}" to resume.`);
  if (!run.folder || !run.baseModelId) {
    throw new UnshakeError(
      'INVALID_REQUEST',
      `“${run.name}” was started by an older version that did not record its folder, so the app cannot resume it: discard it, or resume it with the command-line trainer (train --resume --out ${run.id} with its --pairs or --sharp folder).`,
    );
  }
  const base = await resolveBase(run.baseModelId, r.modelsDir, { bundledDir: r.bundledDir });
  return {
    baseOnnxPath: base.onnx,
    baseManifest: base.manifest,
    ...(run.source === 'pairs' ? { pairsDir: run.folder } : { sharpDir: run.folder }),
    outId: run.id,
    resume: true,
    checkpointEvery: DEFAULT_CHECKPOINT_EVERY,
  };
}

/**
 * The trainer's messages are written for the command line ("see the report above", flags); the
 * panel has no report above and no flags, so they are said in its words.
 */
export function inPanelWords(error: unknown, skipped: readonly string[]): unknown {
  if (!(error instanceof UnshakeError)) return error;
  const reasons = skipped.length ? `: ${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? `; and ${skipped.length - 3} more` : ''}` : '';
  const message = error.message
    .replace(' (see the report above)', reasons)
    .replace(/resume it with --resume --out \S+ or choose another name/, 'resume or discard it under Interrupted runs, or choose another name')
    .replace(/continue with --resume --out [a-z0-9._-]*[a-z0-9]/, 'resume it under Interrupted runs')
    // The id and the library's folder are the command line's business: the panel names the model.
    .replace(/^A model with the id "[^"]+" \("(.+)"\) is already in the library in .+?; choose another name/, 'A model called “$1” is already in your models (this name would replace it); choose another name')
    .replace(/ \(--out NAME on the command line\)/g, '')
    .replace(/ \(--(sharp|pairs)\)/g, '')
    // The panel always trains with the critic: it cannot turn it off.
    .replace(/, or train without the critic: --adversarial 0/, '')
    .replace(/--crop (\d+)/g, '$1 px');
  return message === error.message ? error : new UnshakeError(error.code, message, { cause: error });
}

/** Where the run trains, for a photographer (the CLI prints the backend's name and every skip reason). */
export function plainBackend(b: Pick<BackendChoice, 'name' | 'adapter' | 'software'>): string {
  switch (b.name) {
    case 'tensorflow-gpu':
      return 'Training on the graphics card (TensorFlow with CUDA).';
    case 'webgpu':
      return b.software
        ? `Training on the processor through a software graphics driver (${b.adapter ?? 'WebGPU'}): about 10 s a step at 64 px on a two-core processor; a graphics card is much faster.`
        : `Training on the graphics card (WebGPU on ${b.adapter ?? 'the GPU'}).`;
    case 'tensorflow':
      return 'Training on the processor (native TensorFlow).';
    case 'cpu':
      return 'Training on the processor in plain JavaScript: about a minute a step at 64 px on a two-core processor; a graphics card, or the native TensorFlow package, is much faster.';
  }
}

/** A few words for the finished run's line ("3 steps on the graphics card (WebGPU)"). */
export function plainBackendName(b: Pick<BackendChoice, 'name' | 'software'>): string {
  if (b.name === 'tensorflow-gpu') return 'the graphics card (TensorFlow with CUDA)';
  if (b.name === 'webgpu') return b.software ? 'the processor (WebGPU, software driver)' : 'the graphics card (WebGPU)';
  return b.name === 'tensorflow' ? 'the processor (native TensorFlow)' : 'the processor (JavaScript)';
}

/** A run another trainer (the command line, another window) is training now is refused at once. */
function refuseIfTraining(modelsDir: string, runId: string, { exceptOwn = false } = {}): void {
  const dir = runDirFor(modelsDir, runId);
  const holder = runHolder(dir);
  if (holder !== null && !(exceptOwn && holder === process.pid)) throw new UnshakeError('INVALID_REQUEST', inUseMessage(runId, holder, dir));
}

/**
 * The interrupted runs in the user's models folder; a damaged one is listed so it can be
 * discarded. A run some trainer is training now (run-lock.ts) is not interrupted: left out.
 */
export async function listInterruptedRuns(modelsDir: string): Promise<InterruptedRun[]> {
  await sweepStaleRuns(trainingRunsDir(modelsDir));
  const runs = await listCheckpoints<Partial<RunState>>(trainingRunsDir(modelsDir));
  return runs.flatMap(({ id, dir, state }): InterruptedRun[] => {
    if (!isModelId(id) || runHolder(dir) !== null) return [];
    if (!state || typeof state.step !== 'number') return [{ id, name: id, step: 0, steps: null, source: 'pairs', folder: null, baseModelId: null, damaged: true }];
    return [{
      id,
      name: state.outName ?? id,
      step: state.step,
      steps: state.steps ?? null,
      source: state.source ?? 'pairs',
      folder: state.folder ?? null,
      baseModelId: state.baseId ?? null,
      damaged: false,
    }];
  });
}

/** Deletes an interrupted run's checkpoint (its model was never exported). */
export async function discardInterruptedRun(modelsDir: string, runId: string): Promise<void> {
  refuseIfTraining(modelsDir, runId);
  if (!(await listInterruptedRuns(modelsDir)).some((r) => r.id === runId)) {
    throw new UnshakeError('INVALID_REQUEST', `There is no interrupted training run "${runId}".`);
  }
  // Held while it is removed: a trainer starting on it meanwhile is refused, not emptied.
  const lock = await lockRun(runDirFor(modelsDir, runId), runId);
  try {
    await removeRunDir(runDirFor(modelsDir, runId));
  } finally {
    lock.release();
  }
}
