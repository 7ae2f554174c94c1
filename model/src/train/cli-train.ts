import { createHash } from 'node:crypto';
import { defaultModelsDir } from '../models/user-models-dir.js';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toErrorInfo, UnshakeError } from '../errors.js';
import { modelManifestSchema, type ModelManifest } from '../models/manifest.js';
import { defaultCriticWidth, describeBackend, isCpuBound, loadBestBackend } from './backend.js';
import { formatDataEvent, formatDuration, formatMode, formatProgress, formatScoreTable } from './cli-train-format.js';
import { interruptedRuns, trainingRunsDir } from './train-run.js';
import { trainModel, type TrainEvent } from './trainer.js';

export const USAGE =
  'unshake train --pairs DIR | --sharp DIR [--steps N] [--crop 256] [--batch 4] [--out NAME] [--resume] [--models-dir DIR] ' +
  '[--base FILE.onnx] [--lr 1e-4] [--l1 W] [--perceptual W] [--adversarial W] [--critic-width 64] [--checkpoint-every 100] ' +
  '[--val-crop 256] [--vgg DIR] [--seed N] [--mode full|decoder] [--synth-spec FILE.json] [--mild-share 0.1]';

const BUNDLED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../weights');
const BASE_CANDIDATES = ['unshake-base.onnx', 'base.onnx', 'placeholder.onnx'];

/** Electron's userData folder for "unshake", so CLI-made models appear in the app's library. */

const exists = (p: string) => stat(p).then(() => true, () => false);

/** The base ONNX and its manifest (`<stem>.manifest.json` next to it). */
async function resolveBase(file: string | undefined): Promise<{ onnx: string; manifest: ModelManifest }> {
  let onnx = file ? path.resolve(file) : undefined;
  for (const name of file ? [] : BASE_CANDIDATES) {
    if (await exists(path.join(BUNDLED_DIR, name))) {
      onnx = path.join(BUNDLED_DIR, name);
      break;
    }
  }
  if (!onnx || !(await exists(onnx))) throw new UnshakeError('MODEL_NOT_FOUND', `No base model to fine-tune at ${onnx ?? BUNDLED_DIR}.`);
  const manifestPath = onnx.replace(/\.onnx$/i, '.manifest.json');
  const text = await readFile(manifestPath, 'utf8').catch(() => {
    throw new UnshakeError('MODEL_INVALID', `The base model ${onnx} has no manifest at ${manifestPath}.`);
  });
  return { onnx, manifest: modelManifestSchema.parse(JSON.parse(text)) };
}

function num(name: string, value: string | undefined, min: number, max: number, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UnshakeError('INVALID_REQUEST', `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${value}".`);
  }
  return n;
}

/**
 * `--resume` without `--out`: the one interrupted run started from this base model (the default
 * name has the start date in it, so it cannot be rebuilt on a later day).
 */
async function runToResume(modelsDir: string, base: { onnx: string; manifest: ModelManifest }): Promise<string> {
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

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);

function parse(argv: string[]) {
  const str = { type: 'string' } as const;
  const { values } = parseArgs({
    args: argv,
    options: {
      pairs: str, sharp: str, steps: str, crop: str, batch: str, out: str, resume: { type: 'boolean' }, 'models-dir': str,
      base: str, lr: str, l1: str, perceptual: str, adversarial: str, 'critic-width': str, 'checkpoint-every': str,
      'val-crop': str, vgg: str, seed: str, mode: str, 'synth-spec': str, 'mild-share': str,
    },
  });
  return values;
}

/** `npm run train -- …`: returns the exit code (0 done, 1 error, 2 usage / not supported, 130 cancelled). */
export async function runTrainCommand(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    process.stderr.write(`error [INVALID_REQUEST]: ${(error as Error).message}\nusage: ${USAGE}\n`);
    return 2;
  }
  if (values.pairs !== undefined && values.sharp !== undefined) {
    process.stderr.write(
      'error [INVALID_REQUEST]: --pairs and --sharp cannot be used together: train either on blurred/sharp pairs or on sharp-only photos (synthetic camera shake).\n' +
        `usage: ${USAGE}\n`,
    );
    return 2;
  }
  for (const flag of ['synth-spec', 'mild-share'] as const) {
    if (values[flag] !== undefined && !values.sharp) {
      process.stderr.write(`error [INVALID_REQUEST]: --${flag} applies to --sharp (synthetic camera shake) only.\nusage: ${USAGE}\n`);
      return 2;
    }
  }
  if (!values.pairs && !values.sharp) {
    process.stderr.write(`error [INVALID_REQUEST]: one of --sharp DIR (sharp-only photos) or --pairs DIR is required.\nusage: ${USAGE}\n`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const live = process.stderr.isTTY;
  try {
    const base = await resolveBase(values.base);
    const backend = await loadBestBackend();
    process.stderr.write(`backend: ${describeBackend(backend)}\n${backend.warning ? `warning: ${backend.warning}\n` : ''}`);
    const modelsDir = path.resolve(values['models-dir'] ?? defaultModelsDir());
    const resume = values.resume ?? false;
    const outName = values.out ?? (resume ? undefined : `${base.manifest.id}-finetuned-${new Date().toISOString().slice(0, 10)}`);
    const outId = outName === undefined ? await runToResume(modelsDir, base) : slug(outName);
    process.stderr.write(`${resume ? 'resuming' : 'training'} "${outId}"\n`);
    const steps = num('steps', values.steps, 1, 1e7) ?? 1000;
    const mode = values.mode;
    if (mode !== undefined && mode !== 'full' && mode !== 'decoder') throw new UnshakeError('INVALID_REQUEST', `--mode must be "full" or "decoder", got "${mode}".`);
    const criticWidth = num('critic-width', values['critic-width'], 1, 512);
    // A resumed run keeps its own mode and critic width: they are printed once it has been read.
    if (!resume) {
      process.stderr.write(`${formatMode(mode ?? 'full')}\ncritic width ${criticWidth ?? defaultCriticWidth(backend)}`);
      process.stderr.write(`${isCpuBound(backend) && criticWidth === undefined ? ' (reduced for a CPU-bound backend; --critic-width 64 is the paper\'s)' : ''}\n`);
    }
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'data') process.stderr.write(`${formatDataEvent(e)}\n${e.note ? `note: ${e.note}\n` : ''}`);
      if (e.type === 'resumed') process.stderr.write(`resumed at step ${e.step}\n${formatMode(e.mode)}\ncrop ${e.crop} px, critic width ${e.criticWidth}\n`);
      if (e.type === 'validation') process.stderr.write(`${live ? '\n' : ''}validation @${e.step}: PSNR ${e.current.psnr.toFixed(2)} dB, SSIM ${e.current.ssim.toFixed(4)} (base ${e.base.psnr.toFixed(2)} dB)\n`);
      if (e.type === 'checkpoint') process.stderr.write(`${live ? '\n' : ''}checkpoint @${e.step} (${e.reason}): ${e.path}\n`);
      if (e.type === 'step') {
        const line = formatProgress(e.step, e.total, e.losses, e.stepsPerSecond, e.etaSeconds);
        // A live line on a terminal; one line per step in logs and pipes.
        process.stderr.write(live ? `\r${line}\u001b[K` : `${line}\n`);
      }
    };
    const started = performance.now();
    const { model, summary } = await trainModel({
      baseOnnxPath: base.onnx,
      baseManifest: base.manifest,
      pairsDir: values.pairs || undefined,
      sharpDir: values.sharp || undefined,
      modelsDir,
      outId,
      outName,
      steps,
      crop: num('crop', values.crop, 16, 4096),
      batch: num('batch', values.batch, 1, 256),
      learningRate: num('lr', values.lr, 1e-8, 1, false),
      weights: {
        ...(values.l1 === undefined ? {} : { l1: num('l1', values.l1, 0, 1e6, false)! }),
        ...(values.perceptual === undefined ? {} : { perceptual: num('perceptual', values.perceptual, 0, 1e6, false)! }),
        ...(values.adversarial === undefined ? {} : { adversarial: num('adversarial', values.adversarial, 0, 1e6, false)! }),
      },
      criticWidth,
      defaultCriticWidth: defaultCriticWidth(backend),
      mode,
      checkpointEvery: num('checkpoint-every', values['checkpoint-every'], 1, 1e7) ?? 100,
      validateEvery: Math.max(1, Math.floor(steps / 5)),
      validationCrop: num('val-crop', values['val-crop'], 16, 4096),
      seed: num('seed', values.seed, 0, 2 ** 31),
      resume,
      vggDir: values.vgg,
      synthesisSpecPath: values['synth-spec'],
      mildShare: num('mild-share', values['mild-share'], 0, 1, false),
      signal: controller.signal,
      onEvent,
    });
    const v = summary.validation;
    const d = summary.data;
    const heldOut = d.source === 'pairs' ? `${d.validationPairs.length} pair(s)` : `${d.validationPhotos.length} photo(s) with synthetic shake`;
    process.stdout.write(
      `\nfine-tuned ${summary.steps} steps on ${summary.backend} in ${formatDuration((performance.now() - started) / 1000)}; ` +
        `held-out ${heldOut}, centre crops ≤ ${v.crop} px\n` +
        `${formatScoreTable([['blurred input', v.input], ['base model', v.base], ['fine-tuned', v.fineTuned]])}\n` +
        `saved "${model.manifest.id}" to ${model.dir}\n`,
    );
    return 0;
  } catch (error) {
    const info = toErrorInfo(error);
    process.stderr.write(`\nerror [${info.code}]: ${info.message}\n`);
    return info.code === 'CANCELLED' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export { defaultModelsDir };
