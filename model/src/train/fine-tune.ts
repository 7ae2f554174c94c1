import { fitTrainingCrop, trainingCropProblem, trainingCropRange } from '../../../electron/common/training-crop.js';
import type { SkippedFiles } from '../../../electron/common/training.js';
import { UnshakeError } from '../errors.js';
import { resolveBase } from './base-model.js';
import { assertNewModelId } from './model-export.js';
import { freeDatedId, slug } from './model-name.js';
import { refuseTakenName } from './name-taken.js';
import { skippedSummary } from './panel-data-lines.js';
import { panelProgress, type FineTuneProgress } from './fine-tune-progress.js';
import { inPanelWords, plainBackend, plainBackendName } from './fine-tune-words.js';
import { isFolder, listInterruptedRuns, refuseIfTraining } from './interrupted-runs.js';
import type { TrainMode, TrainOptions } from './trainer.js';
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
  | (Library & { kind: 'resume'; runId: string; folder?: string });

export interface FineTuneOptions {
  /** Where the trainer's resources are in a packaged app (default: this source tree's). */
  vggDir?: string;
  synthesisSpecPath?: string;
  mildSpecPath?: string;
  sharedDataDir?: string;
  /** The app's graphics-card setting when the run starts: 'cpu' keeps training off the card too. */
  preferredProvider?: 'auto' | 'cpu';
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
  /** What the run left out of its folder (skippedSummary); absent when nothing. */
  skipped?: SkippedFiles;
}

const DEFAULT_CHECKPOINT_EVERY = 25;
/** Said at the start of a run the setting keeps off the graphics card, so a slow run is not a mystery. */
export const PROCESSOR_ONLY_NOTE = 'The graphics card is not used: “Deblur and fine-tune on the graphics card” is off in the Output panel.';

export async function fineTune(request: FineTuneRequest, options: FineTuneOptions): Promise<FineTuneOutcome> {
  const progress = panelProgress(options.onProgress);
  const { report, onEvent } = progress;

  report('Loading TensorFlow.js');
  // Imported here, not at the top: listing and discarding runs, and planning one, never load TF.js.
  const [{ defaultCriticWidth, isCpuBound, loadBestBackend }, { trainModel }] = await Promise.all([import('./backend.js'), import('./trainer.js')]);
  const processorOnly = options.preferredProvider === 'cpu';
  const backend = await loadBestBackend({ processorOnly });
  const runOptions = request.kind === 'new' ? await newRun(request, isCpuBound(backend)) : await resumedRun(request);
  progress.setBackend(`${plainBackend(backend)}${processorOnly ? ` ${PROCESSOR_ONLY_NOTE}` : ''}`);
  report('Checking the photos');

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
    throw inPanelWords(error, progress.skipped());
  }
  const { summary, model } = result;
  const skipped = skippedSummary(summary.data);
  return {
    modelId: model.manifest.id,
    name: model.manifest.name,
    backend: plainBackendName(backend),
    steps: summary.steps,
    scores: { input: summary.validation.input, base: summary.validation.base, fineTuned: summary.validation.fineTuned, heldOut: summary.validation.heldOut },
    // The running card's skip lines go with the run: the finished card keeps them.
    ...(skipped ? { skipped } : {}),
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
  // By name too: a name with no id letters gets a fresh dated id whatever it is (name-taken.ts).
  await refuseTakenName(r.modelsDir, name, r.bundledDir).catch((error: unknown) => {
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
  // Main checked the crop against this model already (services/training.ts); a request sent
  // straight to the engine gets the same words.
  const model = { name: base.manifest.name, sizeMultiple: base.manifest.io.sizeMultiple };
  const problem = trainingCropProblem(s.crop, model);
  if (problem !== null) throw new UnshakeError('INVALID_REQUEST', problem);
  // Loaded with the trainer (run-settings.ts loads TF.js through the critic): planning a run does not.
  const { DEFAULT_CROP } = await import('./run-settings.js');
  return {
    baseOnnxPath: base.onnx,
    baseManifest: base.manifest,
    ...(r.source === 'pairs' ? { pairsDir: r.folder } : { sharpDir: r.folder }),
    outId: r.runId,
    outName: r.name.trim(),
    steps: r.steps,
    checkpointEvery: s.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    // No crop given: the trainer's default, fitted to the sizes this model takes (the same for the shipped models).
    crop: s.crop ?? fitTrainingCrop(cpuBound ? CPU_BOUND_CROP : DEFAULT_CROP, trainingCropRange(model.sizeMultiple)!),
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
  const what = run.source === 'pairs' ? 'pairs folder' : 'sharp-photos folder';
  // A folder moved since is taken where the user located it; the trainer checks it as the CLI's
  // --pairs NEW (the recorded one must be gone, the run's pairs all there) and records it.
  if (r.folder === undefined && !(await isFolder(run.folder))) {
    throw new UnshakeError(
      'FILE_NOT_FOUND',
      `The ${what} of “${run.name}”, ${run.folder}, is not there any more (moved, renamed or on a disk not connected): choose Locate folder… to resume it from where the folder is now, or discard the run.`,
    );
  }
  const folder = r.folder ?? run.folder;
  const base = await resolveBase(run.baseModelId, r.modelsDir, { bundledDir: r.bundledDir });
  return {
    baseOnnxPath: base.onnx,
    baseManifest: base.manifest,
    ...(run.source === 'pairs' ? { pairsDir: folder } : { sharpDir: folder }),
    outId: run.id,
    resume: true,
    // The run's own interval, recorded when it started; older runs recorded none.
    defaultCheckpointEvery: DEFAULT_CHECKPOINT_EVERY,
  };
}
