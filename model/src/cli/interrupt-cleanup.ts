import { existsSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isTempBeside } from '../image/atomic-file.js';

/**
 * Conventional shell exit codes for a process stopped by a signal: 128 + its number. SIGHUP is a
 * closed terminal or a dropped ssh session: a stop like the others, not a kill that leaves litter.
 */
export const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof EXIT_CODES;
export const STOP_SIGNALS = Object.keys(EXIT_CODES) as StopSignal[];

/**
 * A note on stderr on the way out, synchronously (the process exits right after). After SIGHUP
 * the terminal may be gone (EIO): the cleanup and the exit code matter more than the note.
 */
export function writeStderr(text: string): void {
  writeAllSync(2, text);
}

/** What must reach stdout on the way out (an interrupted --json summary), as writeStderr. */
export function writeStdout(text: string): void {
  writeAllSync(1, text);
}

/** All of `text`, however the pipe takes it: in parts, or "try again" (EAGAIN) while a reader catches up. */
function writeAllSync(fd: number, text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      // Nowhere to say it (closed pipe, terminal gone).
      return;
    }
  }
}

/** The encoder's hidden temp files for `target` (atomic-file.ts names them, carrier.ts too). */
function tempFiles(dir: string, target: string): string[] {
  try {
    return readdirSync(dir).filter((n) => isTempBeside(target, n));
  } catch {
    return [];
  }
}

/** How long the first signal waits for the work to stop and remove its own files. */
const WAIT_FOR_WORK_MS = 30_000;

/** What the work gets from withInterruptCleanup. */
export interface InterruptScope {
  /** Aborted on the first signal: the work stops, and a save in progress is not published. */
  signal: AbortSignal;
  /** The work now writes this target instead (a default name taken meanwhile): its temp files are ours too. */
  watch(target: string): void;
}

interface Watched {
  absolute: string;
  dir: string;
  /** Temp files for it that existed before: another run's, never removed. */
  before: Set<string>;
  existed: boolean;
}

export interface InterruptOptions {
  /** A batch adds where it stood and how to finish it. */
  afterStop?: () => string;
  /**
   * Removes what else the work leaves (the bench's temp folder), synchronously, once the work has
   * settled or the wait ran out, and says what became of the run instead of the photo sentence.
   */
  onStop?: () => string;
  /** What the first signal's note says is being done (default: the photo being saved). */
  stopping?: string;
  /**
   * Last, synchronously, right before the exit (a batch's --json summary, its empty results
   * folders): `target` as finally watched, `written` when it was complete before the stop.
   */
  onExit?: (stop: { signal: StopSignal; target: string; written: boolean }) => void;
}

/**
 * Run `work`, which writes `target`, so that Ctrl-C (SIGINT), SIGTERM or SIGHUP stop it without leaving
 * litter. The first signal aborts the work and waits (up to 30 s) for it to settle: the encoder
 * cannot be stopped midway, and libvips creates and finishes its temp file on its own thread, so
 * only the encoder itself, once done, can remove that file (it then publishes nothing). A second
 * signal, or the wait running out, skips that wait. Either way, the temp files for the target
 * that appeared since the start (not older ones, which may belong to another run) are then
 * removed synchronously as a safety net, a short note is printed and the process exits with 130
 * (SIGINT), 143 (SIGTERM) or 129 (SIGHUP). `target` itself is never removed: it is either as before or, when the
 * signal came after it was published, the complete new file. The original photo is never touched.
 */
export async function withInterruptCleanup<T>(target: string, work: (scope: InterruptScope) => Promise<T>, options: InterruptOptions = {}): Promise<T> {
  const watched: Watched[] = [];
  const watch = (file: string) => {
    const absolute = resolve(file);
    if (watched.some((w) => w.absolute === absolute)) return;
    const dir = dirname(absolute);
    watched.push({ absolute, dir, before: new Set(tempFiles(dir, absolute)), existed: existsSync(absolute) });
  };
  watch(target);
  /** Paths of this run's temp files that exist now. */
  const ours = () => watched.flatMap((w) => tempFiles(w.dir, w.absolute).filter((n) => !w.before.has(n)).map((n) => join(w.dir, n)));
  const controller = new AbortController();
  let stopping: StopSignal | undefined;
  let seenAtSignal: string[] = [];

  const finish = (signal: StopSignal): never => {
    const found = [...new Set([...seenAtSignal, ...ours()])];
    for (const file of ours()) {
      try {
        rmSync(file, { force: true });
      } catch {
        // Nothing more to do on the way out; the name is reported below.
      }
    }
    const left = ours();
    // Counted whoever removed them: the stopped encoder, or the loop above.
    const gone = found.filter((file) => !existsSync(file)).length;
    const { absolute, existed } = watched.at(-1)!;
    const written = !existed && existsSync(absolute);
    const outcome = options.onStop
      ? options.onStop()
      : written
        ? `${absolute} had already been written completely.`
        : `stopped before ${absolute} was written${existed ? ' (the existing file is unchanged)' : ''}; the original is untouched.`;
    const cleanup = left.length ? ` Could not remove ${left.join(', ')}: delete it by hand.` : gone ? ` Removed ${gone} temporary file(s).` : '';
    // writeSync: the process exits right after, before an asynchronous write could finish.
    const after = options.afterStop ? `\n${options.afterStop()}` : '';
    writeStderr(`\ninterrupted (${signal}): ${outcome}${cleanup}${after}\n`);
    try {
      options.onExit?.({ signal, target: absolute, written });
    } finally {
      process.exit(EXIT_CODES[signal]);
    }
  };

  const onSignal = (signal: StopSignal) => {
    if (stopping) finish(signal);
    stopping = signal;
    seenAtSignal = ours();
    controller.abort();
    // At once: a save in progress may take seconds to finish and be removed.
    const doing = options.stopping ?? 'cancelling; a file being saved is finished and removed, not kept';
    writeStderr(`\nstopping (${signal}): ${doing}… (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)\n`);
    setTimeout(() => finish(signal), WAIT_FOR_WORK_MS);
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    const settled = await work({ signal: controller.signal, watch }).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // Stopped: whatever the work returned or threw, the run ends here.
    if (stopping) finish(stopping);
    if (!settled.ok) throw settled.error;
    return settled.value;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
