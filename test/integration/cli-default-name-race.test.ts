import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli-run.js';

/**
 * Two deblurs of one photo at once, without --out, both choose photo-unshaken.jpg while it is
 * free. The one that finds it taken when it saves must move on to photo-unshaken-2.jpg, neither
 * replacing the other's file (both used to print "wrote photo-unshaken.jpg", one result lost)
 * nor failing. The other run is played here by the test: it creates photo-unshaken.jpg once this
 * run is deblurring (its first tile line), after the name was chosen and checked.
 */
let tmp: string;
let photo: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-race-'));
  photo = path.join(tmp, 'photo.jpg');
  // Twice the sample's size: tens of tiles, so the other run's file lands well before this one saves.
  await sharp(path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg')).resize(2400).jpeg({ quality: 90 }).toFile(photo);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

function deblurWhileAnotherSaves(taken: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur', photo, '--model', 'placeholder', '--cpu'], {
      cwd: repoRoot,
      env: { ...process.env, UNSHAKE_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr, saved] = ['', '', false];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!saved && /^deblur: tile 1\//m.test(stderr)) {
        saved = true;
        writeFileSync(taken, 'the other run');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('unshake deblur to a default name another run takes meanwhile', () => {
  it('moves on to -unshaken-2, says so, and leaves the other run\'s file alone', async () => {
    const taken = path.join(tmp, 'photo-unshaken.jpg');
    const r = await deblurWhileAnotherSaves(taken);
    expect(r.code, r.stderr).toBe(0);
    const second = path.join(tmp, 'photo-unshaken-2.jpg');
    expect(r.stderr).toContain(`note: photo-unshaken.jpg was taken meanwhile; saving as ${second}`);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${second.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} `, 'm'));
    expect(await readFile(taken, 'utf8')).toBe('the other run');
    expect((await sharp(second).metadata()).format).toBe('jpeg');
    expect((await readdir(tmp)).sort()).toEqual(['photo-unshaken-2.jpg', 'photo-unshaken.jpg', 'photo.jpg']);
  });
});
