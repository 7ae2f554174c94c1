import { spawn } from 'node:child_process';
import { readdirSync, watch } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempPathBeside } from '../../model/src/image/atomic-file.js';
import { repoRoot, runCli } from './cli-run.js';

/**
 * A batch killed outright (SIGKILL, a power cut: no handler runs) leaves the encoder's full-size
 * temp files; the same command run again removes them — but never those of a run still writing.
 */
let dir = '';
const unshakeTemp = /\.unshake-[a-z]+-/;
const cli = ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-batch-leftovers-'));
  // 12 MP with EXIF: the carrier and the encode take long enough for the kill to land mid-write.
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .withExif({ IFD0: { Make: 'Unshake test' } })
    .jpeg({ quality: 90 })
    .toFile(path.join(dir, 'p1.jpg'));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Starts the batch and kills it (SIGKILL) as soon as one of its temp files is in the folder: seen through fs.watch, no sleeps. */
function killMidWrite(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cli, dir, '--model', 'placeholder', '--cpu'], { cwd: repoRoot, stdio: 'ignore' });
    let seen: string[] = [];
    const watcher = watch(dir, () => {
      if (seen.length) return;
      seen = readdirSync(dir).filter((n) => unshakeTemp.test(n));
      if (seen.length) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', () => {
      watcher.close();
      resolve(readdirSync(dir).filter((n) => unshakeTemp.test(n)));
    });
  });
}

describe('temp files of a killed batch', () => {
  it('the same command run again removes what the killed run left, and keeps a live run’s', async () => {
    const left = await killMidWrite();
    expect(left.length, 'the kill landed while a temp file existed').toBeGreaterThan(0);
    // A run still writing into the same folder (this test process stands for it): never touched.
    const live = tempPathBeside(path.join(dir, 'other-unshaken.jpg'), 'encode', undefined, process.pid);
    await writeFile(live, 'being written');

    const r = await runCli(['deblur', dir, '--model', 'placeholder', '--cpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^removed ${left.length} temporary file\\(s\\) \\(.+\\) left by an interrupted run$`, 'm'));
    expect((await readdir(dir)).sort()).toEqual([path.basename(live), 'p1-unshaken.jpg', 'p1.jpg']);
  }, 120_000);
});
