import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_TAG } from '../../../model/src/image/atomic-file.js';
import { LOCK_FILE, lockRun, runHolder } from '../../../model/src/train/run-lock.js';
import { repoRoot } from './helpers.js';

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
  // Node 20's recursive mkdir loops forever where mkdir answers ENOENT under a folder that exists.
  it.runIf(process.platform === 'linux')('refuses a models folder where no folder can be made (/proc) instead of hanging', async () => {
    await expect(lockRun('/proc/unshake-test/run', 'run')).rejects.toMatchObject({ code: 'WRITE_FAILED' });
  });

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

/** lockRun in a process of its own once told to go: says whether it got the lock, then holds it until its stdin ends. */
function starter(dir: string, ready: () => void): { proc: ChildProcess; answer: Promise<string> } {
  // Loaded first, then all told to go at once (a line on stdin), so their attempts overlap.
  const script = `import(${JSON.stringify(path.join(repoRoot, 'model/src/train/run-lock.ts'))}).then((m) => { console.log('ready');
    process.stdin.once('data', () => m.lockRun(${JSON.stringify(dir)}, 'race').then(() => console.log('won'), (e) => console.log('refused: ' + e.message)));
    process.stdin.on('end', () => process.exit(0)); });`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  const answer = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out === 'ready\n') ready();
      const lines = out.trim().split('\n');
      if (lines.length === 2) resolve(lines[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`starter exited (${code}) before answering: ${out}`)));
  });
  return { proc, answer };
}

describe('taking over a stale lock', () => {
  it('is done by one of several starters at once; the others are refused', async () => {
    const dir = await runWithLock('raced', `999999 ${HOST_TAG}\n`);
    let loaded = 0;
    const starters: ReturnType<typeof starter>[] = [];
    const go = () => {
      if (++loaded === starters.length) for (const s of starters) s.proc.stdin!.write('go\n');
    };
    for (let i = 0; i < 8; i++) starters.push(starter(dir, go));
    try {
      const answers = await Promise.all(starters.map((s) => s.answer));
      expect(answers.filter((a) => a === 'won')).toHaveLength(1);
      for (const a of answers.filter((x) => x !== 'won')) expect(a).toMatch(/^refused: The training run “race” is being trained right now by another program/);
    } finally {
      for (const s of starters) s.proc.stdin!.end();
    }
  });

  it('waits for no one: a takeover guard left by a dead process is removed, a live one refuses', async () => {
    const dead = await runWithLock('dead-guard', `999999 ${HOST_TAG}\n`);
    await writeFile(path.join(dead, `${LOCK_FILE}.takeover`), `999998 ${HOST_TAG}\n`);
    const lock = await lockRun(dead, 'dead-guard');
    expect(runHolder(dead)).toBe(process.pid);
    expect(await readdir(dead)).toEqual([LOCK_FILE]);
    lock.release();

    const busy = await runWithLock('busy-guard', `999999 ${HOST_TAG}\n`);
    await writeFile(path.join(busy, `${LOCK_FILE}.takeover`), `${process.ppid} ${HOST_TAG}\n`);
    await expect(lockRun(busy, 'busy-guard')).rejects.toThrow(/is being trained right now by another program/);
  });
});
