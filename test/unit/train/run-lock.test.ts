import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_TAG } from '../../../model/src/image/atomic-file.js';
import { LOCK_FILE, lockRun, runHolder } from '../../../model/src/train/run-lock.js';

/** The run lock's own file states: what a crash, a full disk or another computer leaves in it. */
let work = '';
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-run-lock-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function runWithLock(name: string, text: string, ageMs = 0): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, LOCK_FILE), text);
  const then = new Date(Date.now() - ageMs);
  await utimes(path.join(dir, LOCK_FILE), then, then);
  return dir;
}

describe('the training run lock', () => {
  it('names this machine with its process, and is taken and released', async () => {
    const dir = path.join(work, 'fresh');
    const lock = await lockRun(dir, 'fresh');
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${HOST_TAG}\n`);
    expect(runHolder(dir)).toBe(process.pid);
    lock.release();
    expect(runHolder(dir)).toBeNull();
  });

  it('an empty lock is held while it may be being written, and stale once older (its writer died, or the disk was full)', async () => {
    expect(runHolder(await runWithLock('being-written', ''))).toBe(-1);
    const left = await runWithLock('left-empty', '', 60_000);
    expect(runHolder(left)).toBeNull();
    const lock = await lockRun(left, 'left-empty');
    expect(runHolder(left)).toBe(process.pid);
    lock.release();
  });

  it('a lock from another computer sharing the models folder is held, whatever its process id means here', async () => {
    const dir = await runWithLock('elsewhere', `999999 ${'f'.repeat(8) === HOST_TAG ? '0'.repeat(8) : 'f'.repeat(8)}\n`);
    expect(runHolder(dir)).toBe(-1);
    await expect(lockRun(dir, 'elsewhere')).rejects.toThrow(/is being trained right now by another program/);
    // An older version's lock (a pid alone) of a process gone is stale.
    expect(runHolder(await runWithLock('old-style', '999999\n'))).toBeNull();
  });
});
