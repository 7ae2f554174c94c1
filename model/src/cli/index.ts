import { pathToFileURL } from 'node:url';
import { toErrorInfo } from '../errors.js';
import { benchCommand, USAGE as BENCH_USAGE } from './bench-command.js';
import { deblurCommand, USAGE as DEBLUR_USAGE } from './deblur-command.js';
import { evalCommand, USAGE as EVAL_USAGE } from './eval-command.js';
import { modelsCommand, USAGE as MODELS_USAGE } from './models-command.js';
import { runTrainCommand, USAGE as TRAIN_USAGE } from '../train/cli-train.js';

/**
 * `unshake <command>`: the engine's services from a terminal. Exit codes: 0 done, 1 error
 * (printed as `error [CODE]: message`, never a stack trace); `train` also 2 for a usage error
 * and 130 when cancelled.
 */
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; usage: string }> = {
  deblur: { run: deblurCommand, usage: DEBLUR_USAGE },
  models: { run: modelsCommand, usage: MODELS_USAGE },
  eval: { run: evalCommand, usage: EVAL_USAGE },
  bench: { run: benchCommand, usage: BENCH_USAGE },
  train: { run: runTrainCommand, usage: TRAIN_USAGE },
};

const HELP = `usage: unshake <command> [options]
commands:
  deblur <in> [--out <path>] [--model <id>] [--strength 0..1] [--region x,y,w,h] [--feather px] [--format f] [--quality n] [--overwrite]
  models [--models-dir <folder>] [--json]   list bundled and fine-tuned models
  eval --set <folder> [--json <path>]   PSNR/SSIM of input vs output on blurred/sharp pairs
  bench [--sizes 12,48] [--json <path>] [--md <path>]
  train --pairs <folder> | --sharp <folder> [--steps N] [--crop 256] [--out NAME] [--resume]   fine-tune on your own blurred/sharp pairs, or on sharp photos with synthetic shake`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`error [INVALID_REQUEST]: unknown command "${name}".\n${HELP}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const info = toErrorInfo(error);
    console.error(`error [${info.code}]: ${info.message}`);
    if (info.code === 'INTERNAL' && process.env.UNSHAKE_DEBUG && error instanceof Error) console.error(error.stack);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
