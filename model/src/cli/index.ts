import { pathToFileURL } from 'node:url';
import { printError } from './error-line.js';
import { COMMAND_HELP } from './help.js';

/**
 * `npm run <command> -- …`: the engine's services from a terminal (no `unshake` command is
 * installed: the engine runs from its sources through tsx). Exit codes: 0 done, 1 error
 * (printed as `error [CODE]: message`, never a stack trace); `train` also 2 for a usage error
 * and 130 / 143 / 129 when stopped by SIGINT / SIGTERM / SIGHUP.
 */
type Command = (argv: string[]) => Promise<number>;
// Each command's module is imported when it runs, not all at start: a deblur never loads TF.js
// (the trainer's, most of a second to import), `models` neither ORT nor sharp.
const COMMANDS: Record<string, () => Promise<Command>> = {
  deblur: async () => (await import('./deblur-command.js')).deblurCommand,
  models: async () => (await import('./models-command.js')).modelsCommand,
  eval: async () => (await import('./eval-command.js')).evalCommand,
  bench: async () => (await import('./bench-command.js')).benchCommand,
  train: async () => (await import('../train/cli-train.js')).runTrainCommand,
};

const HELP = `usage: npm run <command> -- [options]   (in the repository; paths are relative to where you type it)
commands:
  deblur <photo or folder>...   remove camera shake; results next to the originals, never over them
  models                        list the models shipped and fine-tuned
  eval --set <folder>           PSNR/SSIM of a model on blurred/sharp pairs
  bench                         speed and memory: prints a table, writes docs/bench.{json,md}
  train --pairs | --sharp <folder>   fine-tune a model on your own photos
\`npm run <command> -- --help\` lists a command's options and their defaults; \`npm run -s\` keeps
npm's own lines off the output (for --json).`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name === undefined ? 1 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`error [INVALID_REQUEST]: unknown command "${name}".\n${HELP}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(COMMAND_HELP[name] ?? HELP);
    return 0;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    printError(error);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `npm run deblur -- photo.jpg` from another folder: npm starts the script in the repository,
  // but a path a person types is relative to where they typed it (npm's INIT_CWD).
  // Only for the CLI's own scripts: a child CLI of another script (npm test) keeps its folder.
  if (process.env.INIT_CWD && Object.hasOwn(COMMANDS, process.env.npm_lifecycle_event ?? '')) process.chdir(process.env.INIT_CWD);
  // Output piped into a reader that stops early (\`npm run -s models | head -1\`): done, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // Ended, its code; cut off mid-run, 141 as a shell reports a pipe closed on a command (128 + SIGPIPE).
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 141);
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2));
}
