import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { compactJobJournal } from '../../electron/main/jobs/job-journal-compaction.js';
import { repoRoot, sharedPhoto } from './worker-helpers.js';

/**
 * The app's main process SIGKILLed the moment it hears a batch photo is done (the reviewer's
 * crash after the 40th): the offer at the next start counts that photo, whose result is on disk.
 */
const NAMES = ['kodim01', 'kodim02', 'kodim03', 'kodim04', 'kodim05'];
let workDir = '';
afterAll(() => rm(workDir, { recursive: true, force: true }));

/** Real services and engine in a process of their own, which kills itself when the `killAfter`th photo is done. */
function runUntilKilled(userDataDir: string, folder: string, killAfter: number): Promise<string> {
  const script = `
    import { restartTestServices } from './test/integration/worker-helpers.ts';
    const t = await restartTestServices({ workDir: ${JSON.stringify(workDir)}, userDataDir: ${JSON.stringify(userDataDir)} });
    t.services.grantPath(${JSON.stringify(folder)});
    let done = 0;
    t.services.onJobUpdate((job) => {
      if (job.kind === 'batch-item' && job.state.status === 'done' && ++done === ${killAfter}) process.kill(process.pid, 'SIGKILL');
    });
    const reply = await t.services.dispatch('job:batch', { paths: [${JSON.stringify(folder)}], strength: 1, modelId: 'placeholder', title: 'card' });
    if (!reply.ok) console.error(JSON.stringify(reply));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(log) : reject(new Error(`exited (${code}) before it was killed:\n${log}`)))));
}

describe('a batch whose app was killed right after a photo was done', () => {
  it('is offered with that photo counted done, as its result is on disk', async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-batch-killed-'));
    const [userDataDir, folder] = [path.join(workDir, 'user-data'), path.join(workDir, 'card')];
    await mkdir(userDataDir);
    await mkdir(folder);
    for (const name of NAMES) await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(120).jpeg().toFile(path.join(folder, `${name}.jpg`));
    await runUntilKilled(userDataDir, folder, 2);
    const { interrupted } = await compactJobJournal(path.join(userDataDir, 'jobs.jsonl'));
    expect(interrupted.map((run) => [run.title, run.photos])).toEqual([['card', 5]]);
    // Its engine may finish the photo under way as it ends: at least the two heard of are on disk.
    const results = (await readdir(folder)).filter((name) => name.includes('-unshaken'));
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(interrupted[0]!.done).toBe(2);
  }, 120_000);
});
