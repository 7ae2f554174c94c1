import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sharedData } from './cli-run.js';

/**
 * A pair whose blurred photo is its sharp photo (∞ dB in) has nothing to deblur: its row is shown,
 * but it is left out of the means and the gain, in the table and the JSON, and named.
 */
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-identical-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('eval with an already-sharp pair', () => {
  it('scores the real pair alone in the means and says which pair it left out', async () => {
    const set = path.join(tmp, 'set');
    await mkdir(set);
    const levin = sharedData('levin');
    await copyFile(path.join(levin, 'im1_kernel1_img.png'), path.join(set, 'a_blur.png'));
    await copyFile(path.join(levin, 'gt', 'im1.png'), path.join(set, 'a_sharp.png'));
    await copyFile(path.join(levin, 'gt', 'im2.png'), path.join(set, 'b_blur.png'));
    await copyFile(path.join(levin, 'gt', 'im2.png'), path.join(set, 'b_sharp.png'));
    const json = path.join(tmp, 'report.json');
    const r = await runCli(['eval', '--set', set, '--model', 'placeholder', '--cpu', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^eval: 2\/2 b_blur\.png: identical to its sharp photo → \d+\.\d\d dB/m);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/Infinity|NaN/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    const [a, b] = report.pairs;
    expect(b.input.psnr).toBeNull();
    expect(report.summary.pairs).toBe(1);
    expect(report.summary.leftOut).toEqual([{ name: 'b_blur.png', reason: 'its blurred photo is identical to its sharp one' }]);
    // The means are the real pair's own scores, SSIM included.
    expect(report.summary.input).toEqual(a.input);
    expect(report.summary.output).toEqual(a.output);
    expect(report.summary.gainDb).toBeCloseTo(a.output.psnr - a.input.psnr, 9);
    expect(r.stdout).toMatch(/^\| mean \(1 of 2\) /m);
    expect(r.stdout).toContain('1 pair left out of the means and the gain: b_blur.png (its blurred photo is identical to its sharp one)');
  });
});
