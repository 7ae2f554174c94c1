import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchTrainStep } from '../../../model/src/train/bench-train.js';
import { createCritic } from '../../../model/src/train/critic.js';
import { CropSampler } from '../../../model/src/train/crop-sampler.js';
import { buildGenerator, decoderWeightNames } from '../../../model/src/train/onnx-to-tf.js';
import type { TrainingPair } from '../../../model/src/train/pairs.js';
import { Rng } from '../../../model/src/train/random.js';
import { disposeNets, trainStep, type StepNets } from '../../../model/src/train/train-step.js';
import { loadVgg } from '../../../model/src/train/vgg.js';
import { buildTinyGeneratorOnnx, writeTinyGenerator } from '../../fixtures/tiny-generator.js';
import { GOPRO_BLURRED, sharedData } from './helpers.js';

let sampler: CropSampler;
let pairs: TrainingPair[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const dir = sharedData('gopro-train-pairs');
  const region = { left: 500, top: 250, width: 96, height: 96 };
  const pair: TrainingPair = {
    name: 'gopro',
    blurred: `${dir}/${GOPRO_BLURRED}`,
    sharp: `${dir}/${GOPRO_BLURRED.replace('.png', '_gt.png')}`,
    blurRegion: region,
    sharpRegion: region,
    shift: { dx: 0, dy: 0 },
    sharpHash: 'gopro',
    note: null,
  };
  pairs = [pair];
  sampler = new CropSampler(pairs, { crop: 32, batch: 2, rng: new Rng(9) });
});

function nets(withVgg: StepNets['vgg'], residual: 'srgb' | 'linear' = 'srgb', denseDilation = 1): StepNets {
  return {
    gen: buildGenerator(buildTinyGeneratorOnnx(2, 4, residual, denseDilation)),
    genOpt: tf.train.adam(1e-3),
    critic: createCritic(4, 2),
    criticOpt: tf.train.adam(1e-4, 0.5, 0.999),
    vgg: withVgg,
    weights: { l1: 100, perceptual: withVgg ? 100 : 0, adversarial: 1, gradientPenalty: 10 },
    criticSteps: 1,
  };
}

describe('trainStep', () => {
  it('keeps the tensor count flat over many WGAN-GP + L1 steps (no leaks)', async () => {
    const n = nets(null);
    const batches = await Promise.all(Array.from({ length: 4 }, () => sampler.nextBatch()));
    const first = await trainStep(n, batches[0]!, 1); // creates the optimizer slots once
    const after1 = tf.memory().numTensors;
    let last = first;
    for (let step = 2; step <= 10; step++) last = await trainStep(n, batches[step % 4]!, step);
    expect(tf.memory().numTensors).toBe(after1);
    for (const key of ['critic', 'l1', 'adversarial', 'total']) expect(Number.isFinite(last[key])).toBe(true);
    expect(last.total).not.toBe(first.total); // the weights actually moved
    disposeNets(n);
  });

  it('also stays flat with the perceptual (VGG19) term', async () => {
    const vgg = await loadVgg();
    // Critic off and 16-px crops: this test is about the VGG path, which is slow on pure-JS CPU.
    const n = { ...nets(vgg), critic: null, criticOpt: null };
    const batch = await new CropSampler(pairs, { crop: 16, batch: 1, rng: new Rng(2) }).nextBatch();
    await trainStep(n, batch, 1);
    const after1 = tf.memory().numTensors;
    const losses = await trainStep(n, batch, 2);
    await trainStep(n, batch, 3);
    expect(tf.memory().numTensors).toBe(after1);
    expect(losses.perceptual).toBeGreaterThan(0);
    disposeNets(n);
  });

  it.each([
    ['srgb', 1],
    ['linear', 1],
    ['srgb', 3],
  ] as const)('lowers the L1 loss on a fixed batch (gradients point the right way; %s residual, dense dilation %i)', async (residual, dilation) => {
    const n = { ...nets(null, residual, dilation), critic: null, criticOpt: null, weights: { l1: 1, perceptual: 0, adversarial: 0, gradientPenalty: 0 } };
    const batch = await sampler.nextBatch();
    const start = (await trainStep(n, batch, 1)).l1!;
    let end = start;
    for (let step = 2; step <= 12; step++) end = (await trainStep(n, batch, step)).l1!;
    expect(end).toBeLessThan(start);
    disposeNets(n);
  });
});

describe('decoder-only mode', () => {
  it('trains the decoder and tail and leaves the encoder exactly as it was', async () => {
    const bytes = buildTinyGeneratorOnnx(3);
    const decoder = decoderWeightNames(bytes);
    expect([...decoder].sort()).toEqual(['tail.bias', 'tail.weight', 'up1.cols.bias', 'up1.cols.weight', 'up1.rows.bias', 'up1.rows.weight', 'up2.cols.bias', 'up2.cols.weight', 'up2.rows.bias', 'up2.rows.weight']);
    const gen = buildGenerator(bytes, { trainable: (name) => decoder.has(name) });
    const n = { ...nets(null), gen, critic: null, criticOpt: null, weights: { l1: 1, perceptual: 0, adversarial: 0, gradientPenalty: 0 } };
    const before = await gen.readWeights();
    const batch = await sampler.nextBatch();
    await trainStep(n, batch, 1);
    await trainStep(n, batch, 2);
    const after = await gen.readWeights();
    for (const [name, values] of before) {
      const same = Array.from(values).every((v, i) => v === after.get(name)![i]);
      expect([name, same]).toEqual([name, !decoder.has(name)]);
    }
    disposeNets(n);
  });
});

describe('benchTrainStep', () => {
  it('times real steps of a model file on the current backend', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-bench-'));
    const result = await benchTrainStep(await writeTinyGenerator(dir, 8), { size: 32, batch: 1, losses: 'l1' });
    expect(result).toMatchObject({ backend: 'cpu', size: 32, batch: 1, losses: 'l1' });
    expect(result.secondsPerStep).toBeGreaterThan(0);
    expect(result.secondsPerStep).toBeLessThan(60);
  });
});
