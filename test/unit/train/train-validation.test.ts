import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { psnr } from '../../../model/src/eval/metrics.js';
import { buildGenerator } from '../../../model/src/train/onnx-to-tf.js';
import { cropTensor, toUnitRange } from '../../../model/src/train/tensor-image.js';
import { loadValidationSet, scoreSet } from '../../../model/src/train/train-validation.js';
import { GOPRO_BLURRED, repoRoot, sharedData } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fine-tuning validation scores', () => {
  it('score the output as the 8-bit file it would be saved as, like npm run eval and the base recipe', async () => {
    const dir = sharedData('gopro-train-pairs');
    const region = { left: 500, top: 250, width: 64, height: 64 };
    const pair = {
      name: 'gopro', blurred: path.join(dir, GOPRO_BLURRED), sharp: path.join(dir, GOPRO_BLURRED.replace('.png', '_gt.png')),
      blurRegion: region, sharpRegion: region, shift: { dx: 0, dy: 0 }, sharpHash: 'gopro', note: null,
    };
    const [item] = await loadValidationSet([pair], 64);
    const gen = buildGenerator(new Uint8Array(await readFile(path.join(repoRoot, 'model/weights/unshake-base.onnx'))));
    const out = gen.apply(cropTensor(item!.blurred, item!.edge, item!.edge));
    const raw = toUnitRange((await out.data()) as Float32Array);
    out.dispose();
    const stored = raw.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255) / 255);
    const scored = await scoreSet(gen, [item!]);
    expect(scored.psnr).toBeCloseTo(psnr(stored, item!.target), 6);
    // Unrounded, the model would be credited with precision no saved photo has.
    expect(Math.abs(psnr(raw, item!.target) - scored.psnr)).toBeGreaterThan(0.01);
  });
});
