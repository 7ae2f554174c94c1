import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedData } from './cli-run.js';

/**
 * `npm run -s deblur -- folder | head -1`: the reader stops after the first line. The batch ends
 * there as any Unix command in a closed pipe does (exit 141, 128 + SIGPIPE), without a crash
 * report, and what it finished stays finished.
 */
let work = '';

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-closed-pipe-'));
  await mkdir(path.join(work, 'photos'));
  for (const name of ['a', 'b', 'c']) await sharp(sharedData('real-blur/lai_Pantheon.jpg')).resize(400).jpeg().toFile(path.join(work, 'photos', `${name}.jpg`));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the CLI writing into a pipe its reader closed', () => {
  it('stops with 141 and no crash report, keeping the results it wrote', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur', path.join(work, 'photos'), '--out-dir', path.join(work, 'out'), '--model', 'placeholder', '--cpu'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let firstLine = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (firstLine) return;
      firstLine = chunk.toString().split('\n')[0]!;
      // Like `head -1`: the reading end goes away after one line.
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(firstLine).toMatch(/^\[1\/3\] a\.jpg: wrote /);
    expect(code, stderr).toBe(141);
    expect(stderr).not.toMatch(/Error|at .*\.ts:\d+|Unhandled/);
    expect(await readdir(path.join(work, 'out'))).toContain('a-unshaken.jpg');
  }, 60_000);
});
