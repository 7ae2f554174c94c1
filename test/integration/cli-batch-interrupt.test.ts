import { spawn } from 'node:child_process';
import { existsSync, readdirSync, watch } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTempBeside } from '../../model/src/image/atomic-file.js';
import { repoRoot, sharedData } from './cli-run.js';

/**
 * A batch stopped by a signal (real process): what it had done is still said on stdout under
 * --json, and nothing it made for the stopped photo is left behind.
 */
let tmp: string;
/** 12 MP of noise: its PNG encode takes long enough for the signal to land while it runs. */
let big: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-batch-stop-'));
  big = path.join(tmp, 'big.jpg');
  await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .jpeg({ quality: 90 })
    .toFile(big);
}, 60_000);
afterAll(async () => rm(tmp, { recursive: true, force: true }));

interface Stopped {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `deblur args` and sends `signal` once `ready(stderr)` holds, checked on each stderr line and each change in `watched`. */
function batchAndStop(args: string[], signal: NodeJS.Signals, watched: string, ready: (stderr: string) => boolean): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur', ...args, '--model', 'placeholder', '--cpu'], {
      cwd: repoRoot,
      env: { ...process.env, UNSHAKE_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const maybeSend = () => {
      if (sent || !ready(stderr)) return;
      sent = true;
      child.kill(signal);
    };
    const watcher = watch(watched, maybeSend);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      maybeSend();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      watcher.close();
      if (!sent) reject(new Error(`the batch ended before the signal was sent (code ${code}):\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

describe('a batch stopped by a signal', () => {
  it('--json still prints the summary on stdout: the photos done, the one stopped, and the signal', async () => {
    const folder = path.join(tmp, 'json');
    await mkdir(folder);
    await copyFile(sharedData('levin', 'im1_kernel1_img.png'), path.join(folder, 'a-small.png'));
    await copyFile(big, path.join(folder, 'b-big.jpg'));
    const bResult = path.join(folder, 'b-big-unshaken.png');
    // Once a-small is written and b-big's result is being encoded: the signal lands in b-big's save.
    const r = await batchAndStop([folder, '--format', 'png', '--json'], 'SIGTERM', folder, (stderr) =>
      /^\[1\/2\] a-small\.png: wrote /m.test(stderr) && readdirSync(folder).some((name) => isTempBeside(bResult, name)),
    );
    expect(r.code, r.stderr).toBe(143);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ interrupted: 'SIGTERM', done: 1, failed: 0, alreadyDone: 0 });
    expect(summary.photos).toHaveLength(2);
    expect(summary.photos[0]).toMatchObject({ input: path.join(folder, 'a-small.png'), status: 'done', output: path.join(folder, 'a-small-unshaken.png') });
    // Stopped before its result was written: no output to name.
    expect(summary.photos[1]).toEqual({ input: path.join(folder, 'b-big.jpg'), status: 'stopped' });
    expect(readdirSync(folder).sort()).toEqual(['a-small-unshaken.png', 'a-small.png', 'b-big.jpg']);
  }, 120_000);

  it('Ctrl-C during a --subfolder batch leaves no empty results folder behind', async () => {
    const folder = path.join(tmp, 'subfolder');
    await mkdir(folder);
    await copyFile(big, path.join(folder, 'h.jpg'));
    const fixed = path.join(folder, 'Fixed');
    // Once the batch has made Fixed/ for the photo it is deblurring.
    const r = await batchAndStop([folder, '--subfolder', 'Fixed'], 'SIGINT', folder, () => readdirSync(folder).includes('Fixed'));
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/^interrupted \(SIGINT\): /m);
    expect(existsSync(fixed)).toBe(false);
    expect(readdirSync(folder)).toEqual(['h.jpg']);
  }, 120_000);
});
