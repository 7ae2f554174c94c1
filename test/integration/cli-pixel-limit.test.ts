import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sharedData } from './cli-run.js';

/**
 * --max-megapixels: the command line's own largest-photo limit (the app's Output panel setting has
 * no effect there), and IMAGE_TOO_LARGE names it. A 1.15 MP photo against limits of 1 and 2 MP
 * stands in for a panorama over the default 250.
 */
let tmp: string;
let photo: string;
const FIT = { width: 1280, height: 900, fit: 'fill' } as const;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-limit-'));
  photo = path.join(tmp, 'wide.png');
  await sharp(sharedData('gopro-official', 'Flower_blur1.png')).resize(FIT).png().toFile(photo);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const ADVICE = 'Raise it with --max-megapixels (up to 2000; a larger photo needs more memory), or downscale the photo.';

describe('--max-megapixels', () => {
  it('deblur of one photo: refused over the limit with advice that names the option, done under a raised one', async () => {
    const out = path.join(tmp, 'wide-fixed.png');
    const refused = await runCli(['deblur', photo, '--out', out, '--model', 'placeholder', '--max-megapixels', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error \[IMAGE_TOO_LARGE\]: wide\.png is 1\.2 megapixels, over the 1-megapixel limit that keeps deblurring within memory\. (.+)$/m);
    expect(refused.stderr).toContain(ADVICE);
    expect(refused.stderr).not.toMatch(/Output panel/);
    const done = await runCli(['deblur', photo, '--out', out, '--model', 'placeholder', '--max-megapixels', '2']);
    expect(done.code, done.stderr).toBe(0);
    expect((await sharp(out).metadata()).width).toBe(1280);
  });

  it('is checked as the app checks its setting: a whole number from 1 to 2000', async () => {
    for (const bad of ['0', '1.5', '2001', 'lots']) {
      const r = await runCli(['deblur', photo, '--model', 'placeholder', '--max-megapixels', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toContain(`error [INVALID_REQUEST]: --max-megapixels must be an integer from 1 to 2000, got "${bad}".`);
    }
    expect(await readdir(tmp)).not.toContain('wide-unshaken.png');
  });

  it('a batch applies it to every photo', async () => {
    const folder = path.join(tmp, 'batch');
    await mkdir(folder);
    await sharp(photo).toFile(path.join(folder, 'a.png'));
    const refused = await runCli(['deblur', folder, '--model', 'placeholder', '--max-megapixels', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`[1/1] a.png: failed [IMAGE_TOO_LARGE] a.png is 1.2 megapixels, over the 1-megapixel limit that keeps deblurring within memory. ${ADVICE}`);
    const done = await runCli(['deblur', folder, '--model', 'placeholder', '--max-megapixels', '2']);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect((await readdir(folder)).sort()).toEqual(['a-unshaken.png', 'a.png']);
  });

  it('eval: a pair over the limit is skipped with the same advice; raised, it is scored', async () => {
    const set = path.join(tmp, 'set');
    await mkdir(path.join(set, 'blur'), { recursive: true });
    await mkdir(path.join(set, 'sharp'));
    await sharp(photo).toFile(path.join(set, 'blur', 'wide.png'));
    await sharp(sharedData('gopro-official', 'Flower_sharp1.png')).resize(FIT).png().toFile(path.join(set, 'sharp', 'wide.png'));
    const json = path.join(tmp, 'eval.json');
    const refused = await runCli(['eval', '--set', set, '--model', 'placeholder', '--cpu', '--max-megapixels', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(ADVICE);
    const scored = await runCli(['eval', '--set', set, '--model', 'placeholder', '--cpu', '--max-megapixels', '2', '--json', json]);
    expect(scored.code, scored.stderr).toBe(0);
    expect(JSON.parse(await readFile(json, 'utf8')).pairs).toHaveLength(1);
  });
});
