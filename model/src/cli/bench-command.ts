import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UnshakeError } from '../errors.js';
import { runBench, type BenchReport } from '../eval/bench.js';
import { benchTraining } from '../eval/bench-training.js';
import { benchMarkdown } from '../eval/bench-report.js';
import { REPO_ROOT } from '../eval/repo-root.js';
import { BASE_MODEL_ALIAS, resolveModel } from '../models/library.js';
import { defaultVggDir, vggWeightsProblem } from '../train/vgg-dir.js';
import { withInterruptCleanup } from './interrupt-cleanup.js';
import { modelsDirOption } from './terminal-text.js';
import { outputFileOption, parseCommand } from './args.js';

export const USAGE =
  'npm run bench -- [--model <id>] [--models-dir <folder>] [--sizes 12,48] [--sizes16 24] [--full] [--tiles 256,384,512,768,1024] ' +
  '[--threads 1,2] [--json docs/bench.json] [--md docs/bench.md] [--no-write] [--cpu] [--no-train | --train-only | --keep-training] [--vgg <folder>]';

/** Comma-separated numbers within [min, max], whole ones if asked (threads, tile sizes). */
function numberList(name: string, value: string | undefined, range: { min: number; max: number; integer?: boolean }): number[] | undefined {
  if (value === undefined) return undefined;
  const { min, max, integer } = range;
  const list = value.split(',').map((part) => (part.trim() === '' ? NaN : Number(part)));
  if (list.some((n) => !(n >= min && n <= max) || (integer && !Number.isInteger(n)))) {
    throw new UnshakeError('INVALID_REQUEST', `--${name} must be comma-separated ${integer ? 'whole numbers' : 'numbers'} from ${min} to ${max}, got "${value}".`);
  }
  return list;
}

/** The three ways to treat fine-tuning exclude one another: one of them wins silently otherwise. */
const TRAINING_CHOICES = ['no-train', 'train-only', 'keep-training'] as const;

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    {
      args: argv,
      options: {
        model: { type: 'string', short: 'm' },
        'models-dir': { type: 'string' },
        sizes: { type: 'string', default: '12,48' },
        sizes16: { type: 'string' },
        full: { type: 'boolean' },
        tiles: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'string', default: path.join(REPO_ROOT, 'docs/bench.json') },
        md: { type: 'string', default: path.join(REPO_ROOT, 'docs/bench.md') },
        'no-write': { type: 'boolean' },
        cpu: { type: 'boolean' },
        'no-train': { type: 'boolean' },
        'train-only': { type: 'boolean' },
        'keep-training': { type: 'boolean' },
        vgg: { type: 'string' },
      },
    },
    USAGE,
  );
  const chosen = TRAINING_CHOICES.filter((flag) => values[flag]);
  if (chosen.length > 1) {
    throw new UnshakeError('INVALID_REQUEST', `${chosen.map((flag) => `--${flag}`).join(' and ')} are alternatives: give one.\nusage: ${USAGE}`);
  }
  // The numbers are checked before anything runs (a fraction of a thread reached ONNX Runtime as a model error).
  const tileSizes = numberList('tiles', values.tiles, { min: 32, max: 4096, integer: true });
  const threads = numberList('threads', values.threads, { min: 1, max: 256, integer: true });
  // Written at the end of a run of minutes: a folder that is not there is said now.
  const [jsonPath, mdPath] = values['no-write'] ? [path.resolve(values.json), path.resolve(values.md)] : [await outputFileOption('json', values.json), await outputFileOption('md', values.md)];
  const sizes = numberList('sizes', values.sizes, { min: 0.01, max: 250 }) ?? [];
  const sizes16 = numberList('sizes16', values.sizes16, { min: 0.01, max: 250 }) ?? [];
  // --full adds the 100 MP photos whose peak RSS the issue bounds, 8-bit JPEG and 16-bit PNG
  // (minutes on a small CPU).
  if (values.full && !sizes.includes(100)) sizes.push(100);
  if (values.full && !sizes16.includes(100)) sizes16.push(100);
  // Fine-tuned models from `npm run train` (and the app) are found here, as for the other commands.
  const userModelsDir = path.resolve(await modelsDirOption(values['models-dir']));
  const model = await resolveModel(values.model ?? BASE_MODEL_ALIAS, { userModelsDir });
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const previousReport = async (flag: string): Promise<BenchReport> => {
    const previous = await readFile(path.resolve(values.json), 'utf8').catch(() => {
      throw new UnshakeError('FILE_NOT_FOUND', `--${flag} uses ${values.json}, which does not exist yet: run the full bench first.`);
    });
    return JSON.parse(previous) as BenchReport;
  };
  // --keep-training and --train-only read the last report: a missing one is said before the run too.
  const previous = values['train-only'] ? await previousReport('train-only') : values['keep-training'] ? await previousReport('keep-training') : undefined;
  const timesTraining = !values['no-train'] && !values['keep-training'];
  const vggDir = path.resolve(values.vgg ?? defaultVggDir());
  // Fine-tuning is timed last, after minutes of inference: weights it cannot run without are said now.
  const vggProblem = timesTraining ? await vggWeightsProblem(vggDir) : null;
  if (vggProblem) {
    const without = values['train-only'] ? '' : ', or leave fine-tuning out with --no-train (--keep-training keeps the last report\'s)';
    throw new UnshakeError('MODEL_NOT_FOUND', `Timing fine-tuning needs the VGG19 weights of its perceptual loss: ${vggProblem}. Put the vgg19-block3 folder there or name it with --vgg <folder>${without}.`);
  }
  // The inputs (100 MP ones with --full), outputs and ONNX files go here. This command alone
  // removes it, by the one function below: at the end, and on Ctrl-C (or SIGTERM, SIGHUP), which
  // also ends the measuring child and exits from within withInterruptCleanup, past any finally.
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-bench-'));
  /** Synchronous: onStop runs right before process.exit. False if the folder is still there. */
  const removeWorkDir = (): boolean => {
    rmSync(workDir, { recursive: true, force: true });
    return !existsSync(workDir);
  };
  try {
    return await withInterruptCleanup(jsonPath, ({ signal }) => measureAndWrite(signal), {
      stopping: 'ending the measurement in progress and removing the temporary files',
      onStop: () => {
        const folder = removeWorkDir() ? `its temporary folder ${workDir} is removed` : `could not remove its temporary folder ${workDir}: delete it by hand`;
        return `the bench stopped; nothing more is measured or written, and ${folder}.`;
      },
    });
  } finally {
    removeWorkDir();
  }

  async function measureAndWrite(signal: AbortSignal): Promise<number> {
    const report = await measure(signal);
    const markdown = benchMarkdown(report);
    console.log(markdown);
    if (!values['no-write']) {
      await writeFileAtomic(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      await writeFileAtomic(mdPath, `# Benchmark\n\nGenerated by \`npm run bench\`; do not edit by hand.\n\n${markdown}\n`);
      process.stderr.write(`bench: wrote ${values.json} and ${values.md}\n`);
    }
    return 0;
  }

  async function measure(signal: AbortSignal): Promise<BenchReport> {
    const inference = (training: boolean) =>
      runBench(model, { sizes, sizes16, tileSizes, threads, preferred: values.cpu ? 'cpu' : 'auto', userModelsDir, training, vggDir, workDir, signal, log });
    // Re-time fine-tuning only, keeping the inference sections of the last full bench.
    if (values['train-only']) return { ...previous!, training: await benchTraining(model.onnxPath, { log, vggDir, signal }) };
    if (values['keep-training']) {
      // Re-time inference only, keeping the last bench's fine-tuning section (and its date).
      const { training } = previous!;
      return { ...(await inference(false)), ...(training ? { training } : {}) };
    }
    return inference(!values['no-train']);
  }
}
