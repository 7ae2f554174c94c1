import { spawn } from 'node:child_process';
import { readdirSync, watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratePhotoInPlace } from '../fixtures/tag-photo.js';
import { repoRoot, runCli, sharedData } from './cli-run.js';

/** A batch run again after what happens to a folder between runs: the photographer's own edits. */
let dir = '';
const lines = (stdout: string) => stdout.trim().split('\n');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-batch-rerun-'));
  await sharp(sharedData('photos-extra', 'Kodak24', 'kodim04.png')).resize(160).jpeg({ quality: 90 }).toFile(path.join(dir, 'camera.jpg'));
  await sharp(sharedData('photos-extra', 'Kodak24', 'kodim05.png')).resize(160).png().toFile(path.join(dir, 'scan.png'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a batch run again', () => {
  it('after the originals were rated and keyworded (XMP written into them), finds their results: nothing is redone', async () => {
    const first = await runCli(['deblur', dir, '--model', 'placeholder', '--cpu']);
    expect(first.code, first.stderr).toBe(0);
    for (const photo of ['camera.jpg', 'scan.png']) {
      await ratePhotoInPlace(path.join(dir, photo));
      expect((await sharp(path.join(dir, photo)).metadata()).xmp?.toString(), photo).toContain('xmp:Rating="5"');
    }
    const again = await runCli(['deblur', dir, '--model', 'placeholder', '--cpu']);
    expect(again.code, again.stderr).toBe(0);
    expect(lines(again.stdout).at(-1)).toBe('batch: 0 done, 0 failed, 2 already done (of 2)');
    expect((await readdir(dir)).sort()).toEqual(['camera-unshaken.jpg', 'camera.jpg', 'scan-unshaken.png', 'scan.png']);
  });

  it('after a photo was culled and another added, deblurs only the new one: the culled photo’s result is no photo', async () => {
    const shoot = path.join(dir, 'cull');
    await mkdir(shoot);
    for (const [name, source] of [['IMG_0001.jpg', 'kodim07'], ['IMG_0002.tif', 'kodim08'], ['IMG_0003.png', 'kodim09']]) {
      await sharp(sharedData('photos-extra', 'Kodak24', `${source}.png`)).resize(120).toFile(path.join(shoot, name!));
    }
    const first = await runCli(['deblur', shoot, '--model', 'placeholder', '--cpu']);
    expect(lines(first.stdout).at(-1), first.stderr).toBe('batch: 3 done, 0 failed, 0 already done (of 3)');
    await rm(path.join(shoot, 'IMG_0002.tif'));
    await sharp(sharedData('photos-extra', 'Kodak24', 'kodim10.png')).resize(120).jpeg().toFile(path.join(shoot, 'IMG_0004.jpg'));
    const again = await runCli(['deblur', shoot, '--model', 'placeholder', '--cpu']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('note: IMG_0002-unshaken.tif is left out: it is an earlier result of Unshake whose photo is gone (give that file by itself to deblur it again).\nbatch: 3 photo(s)');
    expect(lines(again.stdout).at(-1)).toBe('batch: 1 done, 0 failed, 2 already done (of 3)');
    expect((await readdir(shoot)).sort()).toEqual(['IMG_0001-unshaken.jpg', 'IMG_0001.jpg', 'IMG_0002-unshaken.tif', 'IMG_0003-unshaken.png', 'IMG_0003.png', 'IMG_0004-unshaken.jpg', 'IMG_0004.jpg']);
  }, 60_000);

  it('a long-named photo, its result’s name cut to fit 255 bytes, is already done: its result is not called a culled photo’s', async () => {
    const shoot = path.join(dir, 'long');
    await mkdir(shoot);
    const photo = `L${'x'.repeat(243)}.jpg`;
    await sharp(sharedData('photos-extra', 'Kodak24', 'kodim11.png')).resize(120).jpeg().toFile(path.join(shoot, photo));
    const first = await runCli(['deblur', shoot, '--model', 'placeholder', '--cpu']);
    expect(lines(first.stdout).at(-1), first.stderr).toBe('batch: 1 done, 0 failed, 0 already done (of 1)');
    const again = await runCli(['deblur', shoot, '--model', 'placeholder', '--cpu']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('left out');
    expect(lines(again.stdout).at(-1)).toBe('batch: 0 done, 0 failed, 1 already done (of 1)');
    expect((await readdir(shoot)).map((name) => Buffer.byteLength(name)).sort()).toEqual([248, 255]);
  }, 60_000);

  it('a result another run writes while this one deblurs the photo is reported as done by that run, not as a failure', async () => {
    const folder = path.join(dir, 'two-runs');
    await mkdir(folder);
    const photo = path.join(folder, 'big.jpg');
    // 12 MP with EXIF: the carrier and the encode take long enough for the other run to finish first.
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
      .withExif({ IFD0: { Make: 'Unshake test' } })
      .jpeg({ quality: 90 })
      .toFile(photo);
    // The other run's result, made beforehand, is put in place as soon as this run starts writing.
    const staged = path.join(dir, 'other-run.jpg');
    const made = await runCli(['deblur', photo, '--out', staged, '--model', 'placeholder', '--cpu']);
    expect(made.code, made.stderr).toBe(0);
    const result = path.join(folder, 'big-unshaken.jpg');
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur', folder, '--model', 'placeholder', '--cpu'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      let placed = false;
      const watcher = watch(folder, () => {
        if (placed || !readdirSync(folder).some((n) => n.startsWith('.big-unshaken.jpg.unshake-'))) return;
        placed = true;
        void rename(staged, result);
      });
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        watcher.close();
        resolve({ code, stdout });
      });
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`[1/1] big.jpg: done by another run (${result})`);
    expect(lines(r.stdout).at(-1)).toBe('batch: 0 done, 0 failed, 1 already done (of 1)');
    expect((await readdir(folder)).sort()).toEqual(['big-unshaken.jpg', 'big.jpg']);
  }, 120_000);
});
