import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sharedData } from './cli-run.js';

let tmp: string;
let input: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-'));
  input = path.join(tmp, 'flower.png');
  await copyFile(sharedData('gopro-official', 'Flower_blur1.png'), input);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const raw = async (file: string) => sharp(file).raw().toBuffer({ resolveWithObject: true });
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe('unshake deblur (real process, real photo)', () => {
  it('deblurs a GoPro photo, reports tiles, output and EP, and leaves the original alone', async () => {
    const before = await sha(input);
    const out = path.join(tmp, 'flower-sharp.png');
    const r = await runCli(['deblur', input, '--out', out]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const tiles = [...r.stderr.matchAll(/^deblur: tile (\d+)\/(\d+) \(\d+ %\)$/gm)];
    expect(tiles.length).toBeGreaterThan(1);
    expect(tiles.at(-1)![1]).toBe(tiles.at(-1)![2]);
    expect(r.stdout).toContain(`wrote ${out}`);
    expect(r.stdout).toMatch(/1280×720/);
    expect(r.stdout).toMatch(/execution provider: cpu/);
    if (process.platform === 'linux') expect(r.stdout).toMatch(/cuda skipped: \S+/);

    const [a, b] = await Promise.all([raw(input), raw(out)]);
    expect(b.info).toMatchObject({ width: a.info.width, height: a.info.height, channels: a.info.channels });
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) diff += Math.abs(a.data[i]! - b.data[i]!);
    const meanDiff = diff / a.data.length;
    expect(meanDiff).toBeGreaterThan(0.5); // sharpened...
    expect(meanDiff).toBeLessThan(10); // ...but still the same photo
    expect(await sha(input)).toBe(before);
  });

  it('with --region only changes the feathered rectangle, scaled by --strength', async () => {
    const out = path.join(tmp, 'flower-region.png');
    const r = await runCli(['deblur', input, '--out', out, '--region', '400,200,300,200', '--feather', '6', '--strength', '0.7']);
    expect(r.code).toBe(0);
    const [a, b] = await Promise.all([raw(input), raw(out)]);
    const { width, channels } = a.info;
    let outsideChanged = 0;
    let insideChanged = 0;
    for (let p = 0; p < a.data.length / channels; p++) {
      const x = p % width;
      const y = Math.floor(p / width);
      // Feather 6 spreads 3 box blurs of radius 2: at most 7 px beyond the rectangle.
      const near = x >= 393 && x < 707 && y >= 193 && y < 407;
      for (let c = p * channels; c < (p + 1) * channels; c++) {
        if (a.data[c] === b.data[c]) continue;
        if (near) insideChanged++;
        else outsideChanged++;
      }
    }
    expect(outsideChanged).toBe(0);
    expect(insideChanged).toBeGreaterThan(10_000);
  });

  it('raises a --tile-size below the model\'s minimum, says so on one line, and runs the few tiles that needs', async () => {
    const out = path.join(tmp, 'flower-tiny-tiles.png');
    const r = await runCli(['deblur', input, '--out', out, '--region', '600,300,20,20', '--tile-size', '16']);
    expect(r.code, r.stderr).toBe(0);
    const notes = r.stderr.split('\n').filter((line) => line.includes('--tile-size'));
    expect(notes).toEqual([
      'note: --tile-size 16 raised to 196 px: this model needs 44 px of context on each side of a tile, so smaller tiles would spend most of their work on overlap.',
    ]);
    // A 20 × 20 region fits one window of the raised size (at 100 px it took 3 × 3).
    expect(r.stderr).toMatch(/^deblur: tile 1\/1 \(100 %\)$/m);
  });
});
