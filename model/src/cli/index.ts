import { pathToFileURL } from 'node:url';
import { toErrorInfo } from '../errors.js';
import { benchCommand } from './bench-command.js';
import { deblurCommand } from './deblur-command.js';
import { evalCommand } from './eval-command.js';
import { modelsCommand } from './models-command.js';
import { runTrainCommand } from '../train/cli-train.js';

/**
 * `unshake <command>`: the engine's services from a terminal. Exit codes: 0 done, 1 error
 * (printed as `error [CODE]: message`, never a stack trace), 2 usage error.
 */
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  deblur: deblurCommand,
  models: modelsCommand,
  eval: evalCommand,
  bench: benchCommand,
  train: runTrainCommand,
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
  try {
    return await command(rest);
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
