import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toErrorInfo, UnshakeError } from '../errors.js';
import { fineTuneAdvice } from '../../../electron/common/training.js';
import { defaultModelsDir } from '../models/user-models-dir.js';
import { printable } from '../cli/terminal-text.js';
import { defaultCriticWidth, describeBackend, isCpuBound, loadBestBackend } from './backend.js';
import { resolveBase, type BaseModel } from './base-model.js';
import { formatDataEvent, formatMode, formatProgress, formatRunSettings, formatScoreTable, formatDuration } from './cli-train-format.js';
import { CPU_BOUND_CROP } from './fine-tune.js';
import { freeDatedId, slug } from './model-name.js';
import { refuseTakenName } from './name-taken.js';
import { resumeOptions } from './resume-hint.js';
import { handleTrainingInterrupts } from './train-interrupt.js';
import { interruptedRuns, trainingRunsDir } from './train-run.js';
import { trainModel, type TrainEvent, type TrainResult } from './trainer.js';
import { joinNegativeValues } from '../cli/args.js';
import { EXIT_CODES } from '../cli/interrupt-cleanup.js';
import { UsageError } from './usage-error.js';

export const USAGE =
  'npm run train -- --pairs DIR | --sharp DIR [--steps N] [--crop 256] [--batch 4] [--out NAME] [--resume] [--models-dir DIR] ' +
  '[--base MODEL-ID | FILE.onnx] [--lr 1e-4] [--l1 W] [--perceptual W] [--adversarial W] [--critic-width 64] [--checkpoint-every 100] ' +
  '[--val-crop 256] [--vgg DIR] [--seed N] [--mode full|decoder] [--synth-spec FILE.json] [--mild-share 0.1] [--cpu]';

/** Why --cpu skips a backend on a graphics card, in the backend line (the app names its setting instead). */
export const CPU_OPTION_REASON = 'not used: --cpu says to use the processor';

function num(name: string, value: string | undefined, min: number, max: number, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${value}".`);
  }
  return n;
}

/**
 * `--resume` without `--out`: the one interrupted run started from this base model (the default
 * name has the start date in it, so it cannot be rebuilt on a later day).
 */
async function runToResume(modelsDir: string, base: BaseModel): Promise<string> {
  const sha256 = createHash('sha256').update(await readFile(base.onnx)).digest('hex');
  const runs = await interruptedRuns(modelsDir);
  const mine = runs.filter((r) => r.baseSha256 === sha256).map((r) => r.id);
  if (mine.length === 1) return mine[0]!;
  const where = trainingRunsDir(modelsDir);
  if (mine.length > 1) {
    throw new UnshakeError(
      'INVALID_REQUEST',
      `There are ${mine.length} interrupted runs of "${base.manifest.id}" in ${where}: ${mine.join(', ')}. Say which one to resume with --out, e.g. --resume --out ${mine[0]}.`,
    );
  }
  const others = runs.length ? ` (${runs.map((r) => r.id).join(', ')} there started from another base model or are damaged; name one with --out to resume it)` : '';
  throw new UnshakeError('INVALID_REQUEST', `There is no interrupted run of "${base.manifest.id}" to resume in ${where}${others}.`);
}

/** `--resume --out 日本の夏`: the interrupted run that was started under that display name. */
async function runNamed(modelsDir: string, name: string): Promise<string> {
  const ids = (await interruptedRuns(modelsDir)).filter((r) => r.outName === name).map((r) => r.id);
  if (ids.length === 1) return ids[0]!;
  if (ids.length > 1) throw new UnshakeError('INVALID_REQUEST', `Several interrupted runs are named "${name}": ${ids.join(', ')}. Resume one by its id, e.g. --resume --out ${ids[0]}.`);
  throw new UnshakeError('INVALID_REQUEST', `There is no interrupted run named "${name}" in ${trainingRunsDir(modelsDir)}.`);
}

/** The run's model id, and a note when the typed name could not be one. */
async function outIdFor(modelsDir: string, base: BaseModel, outName: string | undefined, resume: boolean): Promise<{ id: string; note?: string }> {
  // The first free dated id: a second run on the same day gets `-2` instead of being refused.
  if (outName === undefined) return { id: resume ? await runToResume(modelsDir, base) : await freeDatedId(modelsDir, base.manifest.id) };
  const id = slug(outName);
  if (resume) return { id: id || (await runNamed(modelsDir, outName)) };
  // A new model's name is checked as the panel checks it, in every script: an id still free
  // ("holiday") can go with a name another model has ("Holiday", imported as holiday-2).
  // An interrupted run under that id is left to the trainer, whose refusal says how to resume it.
  await refuseTakenName(modelsDir, outName, undefined, { runs: !id });
  if (id) return { id };
  const note = `"${outName}" has no letters a model id can use (a-z, 0-9, ".", "_", "-"), so the model gets this id; "${outName}" stays its name`;
  return { id: await freeDatedId(modelsDir, base.manifest.id), note };
}

function parse(argv: string[]) {
  const str = { type: 'string' } as const;
  const { values } = parseArgs({
    args: joinNegativeValues(argv),
    options: {
      pairs: str, sharp: str, steps: str, crop: str, batch: str, out: str, resume: { type: 'boolean' }, 'models-dir': str,
      base: str, lr: str, l1: str, perceptual: str, adversarial: str, 'critic-width': str, 'checkpoint-every': str,
      'val-crop': str, vgg: str, seed: str, mode: str, 'synth-spec': str, 'mild-share': str, cpu: { type: 'boolean' },
    },
  });
  return values;
}

type Values = ReturnType<typeof parse>;

/** The numeric options, each within its range (a UsageError names the first that is not). */
function numberOptions(values: Values) {
  const weight = (name: 'l1' | 'perceptual' | 'adversarial') => (values[name] === undefined ? {} : { [name]: num(name, values[name], 0, 1e6, false)! });
  return {
    steps: num('steps', values.steps, 1, 1e7),
    crop: num('crop', values.crop, 16, 4096),
    batch: num('batch', values.batch, 1, 256),
    learningRate: num('lr', values.lr, 1e-8, 1, false),
    weights: { ...weight('l1'), ...weight('perceptual'), ...weight('adversarial') },
    criticWidth: num('critic-width', values['critic-width'], 1, 512),
    checkpointEvery: num('checkpoint-every', values['checkpoint-every'], 1, 1e7),
    validationCrop: num('val-crop', values['val-crop'], 16, 4096),
    seed: num('seed', values.seed, 0, 2 ** 31),
    mildShare: num('mild-share', values['mild-share'], 0, 1, false),
  };
}

/** The command line's own mistakes, found before anything is loaded; null when there are none. */
function usageProblem(values: Values): string | null {
  if (values.pairs !== undefined && values.sharp !== undefined) {
    return '--pairs and --sharp cannot be used together: train either on blurred/sharp pairs or on sharp-only photos (synthetic camera shake).';
  }
  for (const flag of ['synth-spec', 'mild-share'] as const) {
    if (values[flag] !== undefined && !values.sharp) return `--${flag} applies to --sharp (synthetic camera shake) only.`;
  }
  // A resumed run trains on the folder it recorded.
  if (!values.pairs && !values.sharp && !values.resume) return 'one of --sharp DIR (sharp-only photos) or --pairs DIR is required.';
  return null;
}

const stepsWord = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

/** `resumedAt`: the step a resumed run went on from (its time is this session's only). */
function printResult({ model, summary, alreadyFinished }: TrainResult, seconds: number, resumedAt: number | null): void {
  const v = summary.validation;
  const d = summary.data;
  const items = d.source === 'pairs' ? `${d.validationPairs.length} pair(s)` : `${d.validationPhotos.length} photo(s) with synthetic shake`;
  const measured = v.heldOut ? `held-out ${items}` : `measured on ${items} it trained on (not held out)`;
  const what = alreadyFinished
    ? `"${model.manifest.id}" had already finished (${summary.steps} steps on ${summary.backend}) when it was stopped; its leftover checkpoint was removed`
    : resumedAt === null
      ? `fine-tuned ${stepsWord(summary.steps)} on ${summary.backend} in ${formatDuration(seconds)}`
      : `fine-tuned to step ${summary.steps} on ${summary.backend}: ${stepsWord(summary.steps - resumedAt)} in ${formatDuration(seconds)} after resuming at step ${resumedAt}`;
  process.stdout.write(
    `\n${what}; ${measured}, centre crops ≤ ${v.crop} px\n` +
      `${formatScoreTable([['blurred input', v.input], ['base model', v.base], ['fine-tuned', v.fineTuned]])}\n` +
      `saved "${model.manifest.id}" to ${model.dir}\n`,
  );
  const advice = fineTuneAdvice(v);
  if (advice) process.stdout.write(`note: ${advice}\n`);
}

/** `npm run train -- …`: returns the exit code (0 done, 1 error, 2 usage / not supported, 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP). */
export async function runTrainCommand(argv: string[]): Promise<number> {
  let values: Values;
  try {
    values = parse(argv);
  } catch (error) {
    process.stderr.write(`error [INVALID_REQUEST]: ${(error as Error).message}\nusage: ${USAGE}\n`);
    return 2;
  }
  const problem = usageProblem(values);
  if (problem) {
    process.stderr.write(`error [INVALID_REQUEST]: ${problem}\nusage: ${USAGE}\n`);
    return 2;
  }
  const controller = new AbortController();
  let outId = '';
  let findAgain: string[] = [];
  let lastSave: string | null = null;
  const interrupts = handleTrainingInterrupts(controller, () =>
    lastSave
      ? `nothing after ${lastSave} was kept; continue from there with ${resumeOptions(outId, findAgain)}.`
      : 'this run had saved no checkpoint yet, so there is nothing to resume.',
  );
  const live = process.stderr.isTTY;
  let resumedAt: number | null = null;
  try {
    // Every number and choice is checked before the backend loads (seconds) or anything is read.
    const numbers = numberOptions(values);
    const mode = values.mode;
    if (mode !== undefined && mode !== 'full' && mode !== 'decoder') throw new UsageError(`--mode must be "full" or "decoder", got "${mode}".`);
    const modelsDir = path.resolve(values['models-dir'] ?? defaultModelsDir());
    const base = await resolveBase(values.base, modelsDir, { acceptFile: true });
    // A resume hint must find the run where it is: the folder and base model it was given.
    const processorOnly = values.cpu ?? false;
    findAgain = [
      ...(modelsDir === path.resolve(defaultModelsDir()) ? [] : ['--models-dir', modelsDir]),
      ...(values.base === undefined ? [] : ['--base', values.base]),
      // Not needed to find the run, but a resume hint without it would put the rest on the card.
      ...(processorOnly ? ['--cpu'] : []),
    ];
    // As the app's graphics-card setting off: no CUDA (tfjs-node-gpu not even loaded), no WebGPU
    // on a hardware adapter; WebGPU's software renderer, native TensorFlow on the CPU and pure JS stay.
    const backend = await loadBestBackend({ processorOnly, processorOnlyReason: CPU_OPTION_REASON });
    process.stderr.write(`backend: ${describeBackend(backend)}\n${backend.warning ? `warning: ${backend.warning}\n` : ''}`);
    const resume = values.resume ?? false;
    const named = await outIdFor(modelsDir, base, values.out, resume);
    outId = named.id;
    process.stderr.write(`${resume ? 'resuming' : 'training'} "${outId}"\n${named.note ? `note: ${named.note}\n` : ''}`);
    const { criticWidth } = numbers;
    // Without a graphics card the trainer's 256 px crops take minutes a step: 64 px, as the app
    // trains there, unless --crop says otherwise. A resumed run keeps its own crop.
    const crop = numbers.crop ?? (isCpuBound(backend) && !resume ? CPU_BOUND_CROP : undefined);
    // A resumed run keeps its own settings: they are printed once it has been read.
    if (!resume) {
      process.stderr.write(`${formatMode(mode ?? 'full')}\ncritic width ${criticWidth ?? defaultCriticWidth(backend)}`);
      process.stderr.write(`${isCpuBound(backend) && criticWidth === undefined ? ' (reduced for a CPU-bound backend; --critic-width 64 is the paper\'s)' : ''}\n`);
      if (numbers.crop === undefined && crop !== undefined) process.stderr.write(`crop ${crop} px (reduced for a CPU-bound backend; --crop 256 is the default with a graphics card)\n`);
    }
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'checking') {
        const line = `checking ${e.what}: ${e.checked} of ${e.total}`;
        process.stderr.write(live ? `\r${line}\u001b[K${e.checked === e.total ? '\n' : ''}` : `${line}\n`);
      }
      if (e.type === 'data') process.stderr.write(`${formatDataEvent(e)}\n${e.note ? `note: ${e.note}\n` : ''}`);
      if (e.type === 'resumed') {
        resumedAt = e.step;
        lastSave = `the checkpoint at step ${e.step} it resumed from`;
        process.stderr.write(`resumed at step ${e.step}\n${formatMode(e.mode)}\ncrop ${e.crop} px, critic width ${e.criticWidth}\n${formatRunSettings(e)}\n`);
      }
      if (e.type === 'validation') process.stderr.write(`${live ? '\n' : ''}validation @${e.step}: PSNR ${e.current.psnr.toFixed(2)} dB, SSIM ${e.current.ssim.toFixed(4)} (base ${e.base.psnr.toFixed(2)} dB)\n`);
      if (e.type === 'checkpoint') {
        lastSave = `the checkpoint at step ${e.step}`;
        process.stderr.write(`${live ? '\n' : ''}checkpoint @${e.step} (${e.reason}): ${e.path}\n`);
      }
      if (e.type === 'step') {
        const line = formatProgress(e.step, e.total, e.losses, e.stepsPerSecond, e.etaSeconds);
        // A live line on a terminal; one line per step in logs and pipes.
        process.stderr.write(live ? `\r${line}\u001b[K` : `${line}\n`);
      }
    };
    const started = performance.now();
    const result = await trainModel({
      baseOnnxPath: base.onnx,
      baseManifest: base.manifest,
      pairsDir: values.pairs || undefined,
      sharpDir: values.sharp || undefined,
      modelsDir,
      outId,
      outName: values.out,
      steps: numbers.steps,
      crop,
      batch: numbers.batch,
      learningRate: numbers.learningRate,
      weights: numbers.weights,
      criticWidth,
      defaultCriticWidth: defaultCriticWidth(backend),
      mode,
      // Absent: a resumed run keeps its own (run-settings.ts), a new one takes 100.
      checkpointEvery: numbers.checkpointEvery,
      validateEvery: (steps) => Math.max(1, Math.floor(steps / 5)),
      validationCrop: numbers.validationCrop,
      seed: numbers.seed,
      resume,
      findAgain,
      vggDir: values.vgg,
      synthesisSpecPath: values['synth-spec'],
      mildShare: numbers.mildShare,
      signal: controller.signal,
      onEvent,
    });
    printResult(result, (performance.now() - started) / 1000, resumedAt);
    return 0;
  } catch (error) {
    const info = toErrorInfo(error);
    // A stop asked for (Ctrl+C, SIGTERM, SIGHUP) is not an error: the run is kept to resume.
    process.stderr.write(info.code === 'CANCELLED' ? `\nstopped: ${info.message}\n` : `\nerror [${info.code}]: ${printable(info.message, { multiline: true })}\n`);
    return error instanceof UsageError ? 2 : info.code === 'CANCELLED' ? EXIT_CODES[interrupts.received() ?? 'SIGINT'] : 1;
  } finally {
    interrupts.uninstall();
  }
}

export { defaultModelsDir };
