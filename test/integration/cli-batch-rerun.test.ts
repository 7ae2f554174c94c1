import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratePhotoInPlace } from '../fixtures/tag-photo.js';
import { runCli, sharedData } from './cli-run.js';

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
});
