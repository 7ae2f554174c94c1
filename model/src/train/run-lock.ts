import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { HOST_TAG } from '../image/atomic-file.js';
import { isProcessRunning } from '../process-alive.js';
import { mkdirFailure, writeFailure } from './write-failure.js';
import { makeFolders } from '../image/make-folders.js';

/**
 * A run being trained holds a lock file in its run folder with its process id, so that a second
 * trainer (the CLI, the app, another window) cannot start, resume or discard the same run while
 * it trains: both would write one folder and one would throw the other's work away.
 * Why not proper-lockfile: it is only a development dependency here, and it judges a lock stale
 * by an mtime refreshed on a timer, which a CPU-backend step (a minute without yielding) would
 * starve. A lock is stale when its process no longer lives (crash, SIGKILL, power cut).
 */
export const LOCK_FILE = 'training.lock';

export interface RunLock {
  release(): void;
  /** The first folder the lock had to create (the models folder itself, say), if any. */
  made: string | undefined;
}

function lockPath(runDir: string): string {
  return path.join(runDir, LOCK_FILE);
}

/** An empty lock is one being written (between open and write) for at most this long; older, its writer died there. */
const EMPTY_LOCK_GRACE_MS = 10_000;

/**
 * The process training the run in runDir, or null when none is (no lock, or a stale one); -1 when
 * it is not one this machine can name (a trainer on another computer sharing the models folder,
 * whose process ids mean nothing here, or a lock being written).
 */
export function runHolder(runDir: string): number | null {
  return lockHolder(lockPath(runDir));
}

/** runHolder for any lock file written by tryCreate. */
function lockHolder(file: string): number | null {
  let text: string;
  let writtenAt: number;
  try {
    text = readFileSync(file, 'utf8');
    writtenAt = statSync(file).mtimeMs;
  } catch {
    return null;
  }
  if (text.trim() === '') return Date.now() - writtenAt < EMPTY_LOCK_GRACE_MS ? -1 : null;
  const [pidText, host] = text.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  if (host !== undefined && host !== HOST_TAG) return -1;
  return Number.isInteger(pid) && pid > 0 && isProcessRunning(pid) ? pid : null;
}

export function inUseMessage(id: string, pid: number, runDir: string): string {
  const who = pid === process.pid ? 'this program' : pid > 0 ? `another program (process ${pid})` : 'another program';
  return (
    `The training run “${id}” is being trained right now by ${who}: wait for it to finish, or stop it first. ` +
    `If no trainer is running, delete ${lockPath(runDir)}.`
  );
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    // The machine too: a run on another computer sharing the models folder is not ours to judge.
    writeSync(fd, `${process.pid} ${HOST_TAG}\n`);
  } catch (error) {
    // Not left empty (a full disk fails the write, not the open): an empty lock reads as held.
    closeSync(fd);
    unlinkSync(file);
    throw error;
  }
  closeSync(fd);
  return true;
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * `replace` run while this process holds the lock's takeover guard (a second lock file beside it),
 * or undefined when another process holds the guard. Replacing a stale lock is a read, a removal
 * and a create: two starters that both read it as stale would each remove it, the second removing
 * the first's new lock, and both would train. Under the guard the second reads the lock again and
 * finds it held. A guard left by a process that died inside the guard is removed; two processes
 * finding such a guard at the same instant is the one race left, after a crash in a window of
 * microseconds.
 */
function underTakeoverGuard<T>(file: string, replace: () => T): T | undefined {
  const guard = `${file}.takeover`;
  if (!tryCreate(guard)) {
    // Gone since (its holder let go): made again, never removed, or a new holder's could go.
    if (existsSync(guard)) {
      if (lockHolder(guard) !== null) return undefined;
      removeIfPresent(guard);
    }
    if (!tryCreate(guard)) return undefined;
  }
  try {
    return replace();
  } finally {
    removeIfPresent(guard);
  }
}

/**
 * Marks the run id under modelsDir/.training as in use by this process, or refuses at once
 * (INVALID_REQUEST) when another live process trains it. Making the folder and the lock is also
 * the check that the models folder can be written, before any step (WRITE_FAILED otherwise).
 */
export async function lockRun(runDir: string, id: string): Promise<RunLock> {
  const file = lockPath(runDir);
  let made: string | undefined;
  let created = false;
  // Again when a sweep (below) removed the empty folders between the mkdir and the lock.
  for (let tries = 0; tries < 3 && !created; tries++) {
    try {
      const first = await makeFolders(runDir);
      made ??= first;
    } catch (error) {
      throw await mkdirFailure(error, runDir, 'make the folder for the run’s checkpoints');
    }
    try {
      created = tryCreate(file);
      if (!created) break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || tries === 2) throw writeFailure(error, runDir, 'write the run’s lock file');
    }
  }
  try {
    if (!created) {
      const holder = runHolder(runDir);
      if (holder !== null) throw new UnshakeError('INVALID_REQUEST', inUseMessage(id, holder, runDir));
      // Stale: its process is gone. Replaced only while holding the takeover guard.
      created = underTakeoverGuard(file, () => {
        if (runHolder(runDir) !== null) return false; // another starter took it over first
        removeIfPresent(file);
        return tryCreate(file);
      }) ?? false;
    }
  } catch (error) {
    throw writeFailure(error, runDir, 'write the run’s lock file');
  }
  if (!created) throw new UnshakeError('INVALID_REQUEST', inUseMessage(id, runHolder(runDir) ?? -1, runDir));
  // Also on process.exit (a second Ctrl-C): a lock left by a live process would block the run.
  const onExit = () => release();
  const release = () => {
    process.off('exit', onExit);
    try {
      if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
    } catch {
      // Already gone with its run folder.
    }
  };
  process.on('exit', onExit);
  return { release, made };
}

/**
 * Removes the folders of runs killed before their first checkpoint (SIGKILL, a power cut): they
 * hold nothing but a stale lock. Only such a lock and its then empty folder are removed.
 */
export async function sweepStaleRuns(runsDir: string): Promise<void> {
  const entries = await readdir(runsDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.filter((x) => x.isDirectory())) {
    const dir = path.join(runsDir, e.name);
    const names = await readdir(dir).catch(() => null);
    if (names?.length !== 1 || names[0] !== LOCK_FILE || runHolder(dir) !== null) continue;
    try {
      // Under the guard: a new run may have taken the stale lock over since it was judged.
      const removed = underTakeoverGuard(lockPath(dir), () => {
        if (runHolder(dir) !== null) return false;
        removeIfPresent(lockPath(dir));
        return true;
      });
      if (removed) await rmdir(dir);
    } catch {
      // Taken meanwhile by a new run.
    }
  }
  await rmdir(runsDir).catch(() => {});
}

/** dir and the folders above it up to made (the first the lock created), while they are empty. */
export async function removeEmptyFolders(dir: string, made: string | undefined): Promise<void> {
  if (made === undefined) return;
  const top = path.resolve(made);
  for (let d = path.resolve(dir); d === top || d.startsWith(top + path.sep); d = path.dirname(d)) {
    if (!(await rmdir(d).then(() => true, () => false))) return;
  }
}
