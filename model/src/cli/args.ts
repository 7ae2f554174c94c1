import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UnshakeError } from '../errors.js';
import { probeFolder, writeRefusal } from '../image/folder-write-check.js';

/**
 * `--strength -0.5` as `--strength=-0.5`: parseArgs takes a value that starts with "-" for an
 * option and answers "ambiguous"; joined, the option's own range check says what is allowed.
 * `dashValued` options take any value that starts with one "-" ("--suffix -fixed", as the
 * default "-unshaken" does), not only numbers: a short option ("-o") or "--…" stays an option.
 */
export function joinNegativeValues(args: readonly string[], dashValued: readonly string[] = []): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const value = next !== undefined && (/^-\d/.test(next) || (dashValued.includes(arg) && /^-[^-]./.test(next)));
    if (/^--[a-z0-9-]+$/.test(arg) && value) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** node's parseArgs, with its errors turned into INVALID_REQUEST plus the command's usage. */
export function parseCommand<T extends ParseArgsConfig>(config: T, usage: string, dashValued: readonly string[] = []): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs({ ...config, args: joinNegativeValues(config.args ?? process.argv.slice(2), dashValued) }) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnshakeError('INVALID_REQUEST', `${reason}\nusage: ${usage}`);
  }
}

/** A number option within [min, max] (and an integer if asked), or undefined when absent. */
export function numberOption(
  name: string,
  value: string | undefined,
  range: { min: number; max: number; integer?: boolean },
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < range.min || n > range.max || (range.integer && !Number.isInteger(n))) {
    const kind = range.integer ? 'an integer' : 'a number';
    throw new UnshakeError('INVALID_REQUEST', `--${name} must be ${kind} from ${range.min} to ${range.max}, got "${value}".`);
  }
  return n;
}

/** One required positional argument. */
export function onePositional(positionals: string[], what: string, usage: string): string {
  if (positionals.length !== 1) {
    throw new UnshakeError('INVALID_REQUEST', `expected exactly one ${what}, got ${positionals.length}.\nusage: ${usage}`);
  }
  return positionals[0]!;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * A file option the command writes at its end (--json, --md): its folder is checked now, so a
 * typo is said at once, in words, not as an internal error after the whole run.
 */
export async function outputFileOption(name: string, value: string): Promise<string> {
  refuseStdio(`--${name}`, value, 'out');
  const file = path.resolve(value);
  const folder = path.dirname(file);
  if (!(await stat(folder).then((s) => s.isDirectory(), () => false))) {
    throw new UnshakeError('WRITE_FAILED', `--${name} ${value}: the folder ${folder} does not exist; make it first or choose another place.`);
  }
  if (await stat(file).then((s) => s.isDirectory(), () => false)) throw new UnshakeError('WRITE_FAILED', `--${name} ${value} is a folder; give a file name.`);
  await probeWritable(folder, `--${name} ${value}`);
  return file;
}

/** The report is written there (atomically) only at the end of the run: find out now whether it can be. */
async function probeWritable(folder: string, label: string): Promise<void> {
  await probeFolder(folder).catch((error: unknown) => {
    const refusal = writeRefusal(error);
    const why = refusal ? ` (${refusal.why}); ${refusal.fix}` : '; choose another place';
    throw new UnshakeError('WRITE_FAILED', `${label}: the folder ${folder} cannot be written${why}.`, { cause: error });
  });
}

/**
 * "-" names standard input or output in many tools; here it would be a file literally named "-"
 * (or "/path/- does not exist"). Photos, results and reports are files with their metadata,
 * written atomically: a stream cannot hold that, so "-" is refused in words.
 */
export function refuseStdio(label: string, value: string | undefined, direction: 'in' | 'out'): void {
  if (value !== '-') return;
  const stream = direction === 'in' ? 'reading from standard input' : 'writing to standard output';
  throw new UnshakeError('INVALID_REQUEST', `${label} "-": ${stream} is not supported; name a file.`);
}
