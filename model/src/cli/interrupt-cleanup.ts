import { existsSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isTempBeside } from '../image/atomic-file.js';

/** Conventional shell exit codes for a process stopped by a signal: 128 + its number. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof EXIT_CODES;

/** The encoder's hidden temp files for `target` (atomic-file.ts names them, carrier.ts too). */
function tempFiles(dir: string, target: string): string[] {
  try {
    return readdirSync(dir).filter((n) => isTempBeside(target, n));
  } catch {
    return [];
  }
}

/**
 * Run `work`, which writes `target`, so that Ctrl-C (SIGINT) or SIGTERM stop it without leaving
 * litter: the encoder removes its temp files only when its promise rejects, and a signal ends the
 * process before that. On a signal, the temp files for `target` that appeared since the start
 * (not older ones, which may belong to another run) are removed, a short note is printed and the
 * process exits with 130 (SIGINT) or 143 (SIGTERM). Everything is synchronous from the signal
 * to the exit, so no more of the run's JavaScript (which could start another temp file) runs in
 * between. `target` itself is never removed: it is either as before or, when the signal came
 * after the final rename, the complete new file. The original photo is never touched.
 */
export async function withInterruptCleanup<T>(target: string, work: () => Promise<T>): Promise<T> {
  const absolute = resolve(target);
  const dir = dirname(absolute);
  const before = new Set(tempFiles(dir, absolute));
  const existed = existsSync(absolute);
  const stop = (signal: StopSignal) => {
    let removed = 0;
    for (const name of tempFiles(dir, absolute)) {
      if (before.has(name)) continue;
      try {
        rmSync(join(dir, name), { force: true });
        removed++;
      } catch {
        // Nothing more to do on the way out; the name is reported below.
      }
    }
    const left = tempFiles(dir, absolute).filter((n) => !before.has(n));
    const written = !existed && existsSync(absolute);
    const outcome = written
      ? `${absolute} had already been written completely.`
      : `stopped before ${absolute} was written${existed ? ' (the existing file is unchanged)' : ''}; the original is untouched.`;
    const cleanup = left.length
      ? ` Could not remove ${left.map((n) => join(dir, n)).join(', ')}: delete it by hand.`
      : removed
        ? ` Removed ${removed} temporary file(s).`
        : '';
    // writeSync: the process exits right after, before an asynchronous write could finish.
    writeSync(2, `\ninterrupted (${signal}): ${outcome}${cleanup}\n`);
    process.exit(EXIT_CODES[signal]);
  };
  const handlers = (Object.keys(EXIT_CODES) as StopSignal[]).map((signal) => [signal, () => stop(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    return await work();
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
