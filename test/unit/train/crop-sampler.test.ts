import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { CropSampler, type CropBatch } from '../../../model/src/train/crop-sampler.js';
import type { TrainingPair } from '../../../model/src/train/pairs.js';
import { decodedBytes } from '../../../model/src/train/pair-rotation.js';
import { Rng } from '../../../model/src/train/random.js';

const WIDTH = 120;
const HEIGHT = 96;
const BYTES = decodedBytes({ width: WIDTH, height: HEIGHT });
let pairs: TrainingPair[];

/** Which pair a crop came from: pair i is a flat photo of grey 20 + 30 i. */
function pairsOf(batch: CropBatch): number[] {
  const per = batch.shape[1] * batch.shape[2] * 3;
  return Array.from({ length: batch.shape[0] }, (_, i) => Math.round(((batch.blurred[i * per]! + 1) * 127.5 - 20) / 30));
}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-sampler-'));
  const region = { left: 0, top: 0, width: WIDTH, height: HEIGHT };
  pairs = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
    const grey = 20 + 30 * i;
    const png = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: grey, g: grey, b: grey } } }).png().toBuffer();
    const [blurred, sharpFile] = [path.join(dir, `b${i}.png`), path.join(dir, `s${i}.png`)];
    await Promise.all([writeFile(blurred, png), writeFile(sharpFile, png)]);
    return { name: `p${i}`, blurred, sharp: sharpFile, blurRegion: region, sharpRegion: region, shift: { dx: 0, dy: 0 }, sharpHash: `h${i}`, note: null };
  }));
});

describe('crop sampler', () => {
  it('takes many crops from each decoded pair instead of decoding two photos per crop, within its memory budget', async () => {
    // Room for three decoded pairs of six, as for camera-size photos (pair-rotation.ts).
    const sampler = new CropSampler(pairs, { crop: 16, batch: 4, rng: new Rng(1), memoryBytes: 3 * BYTES });
    const batches = 40;
    for (let b = 0; b < batches; b++) {
      await sampler.nextBatch();
      expect(sampler.cachedPairs).toBeLessThanOrEqual(3);
    }
    // 160 crops; picking a pair per crop with two held decoded them ~100 times.
    expect(sampler.decodes).toBeLessThanOrEqual(10);
  });

  it('uses every pair about equally over a run', async () => {
    const sampler = new CropSampler(pairs, { crop: 16, batch: 4, rng: new Rng(2), seed: 5, memoryBytes: 3 * BYTES });
    const counts = new Array<number>(pairs.length).fill(0);
    for (let b = 0; b < 120; b++) for (const p of pairsOf(await sampler.nextBatch())) counts[p]!++;
    const mean = (120 * 4) / pairs.length;
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(mean / 2);
  });

  it('gives a resumed run the batches the uninterrupted run got, whatever was decoded before', async () => {
    const options = { crop: 16, batch: 3, seed: 9, memoryBytes: 3 * BYTES };
    const rng = new Rng(77);
    const whole = new CropSampler(pairs, { ...options, rng });
    let saved = 0;
    const expected: Float32Array[] = [];
    for (let b = 0; b < 30; b++) {
      const batch = await whole.nextBatch();
      if (b === 12) saved = rng.state; // the checkpoint after step 13
      if (b > 12) expected.push(batch.blurred);
    }
    const resumed = new CropSampler(pairs, { ...options, rng: new Rng(saved), startBatch: 13 });
    // Asked for all at once, as a caller may: the stream is still in order.
    const got = await Promise.all(expected.map(() => resumed.nextBatch()));
    expect(got.map((b) => pairsOf(b))).toEqual(expected.map((blurred) => pairsOf({ blurred, sharp: blurred, shape: [3, 16, 16, 3] })));
    expect(got.map((b) => Array.from(b.blurred))).toEqual(expected.map((b) => Array.from(b)));
  });

  it('mixes two pairs in a batch even when one pair is over the budget, holding three at most', async () => {
    const sampler = new CropSampler(pairs, { crop: 16, batch: 4, rng: new Rng(4), memoryBytes: BYTES / 2 });
    for (let b = 0; b < 30; b++) {
      expect(new Set(pairsOf(await sampler.nextBatch())).size).toBeGreaterThanOrEqual(2);
      expect(sampler.cachedPairs).toBeLessThanOrEqual(3);
    }
  });

  it('decodes every pair once when all of them fit', async () => {
    const sampler = new CropSampler(pairs, { crop: 16, batch: 4, rng: new Rng(3) });
    for (let b = 0; b < 100; b++) await sampler.nextBatch();
    expect(sampler.decodes).toBe(pairs.length);
  });
});
