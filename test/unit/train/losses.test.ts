import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnshakeError } from '../../../model/src/errors.js';
import { createCritic } from '../../../model/src/train/critic.js';
import { criticLoss, generatorLoss, gradientPenalty, l1Loss, perceptualLoss } from '../../../model/src/train/losses.js';
import { cropTensor } from '../../../model/src/train/tensor-image.js';
import { loadVgg } from '../../../model/src/train/vgg.js';
import { GOPRO_BLURRED, realCrop, repoRoot } from './helpers.js';

const scalar = (t: tf.Tensor) => t.dataSync()[0]!;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gradient penalty', () => {
  // A ReLU critic's input-gradient jumps whenever a unit changes sign, so finite differences
  // are only meaningful where no unit can flip: positive weights and biases of one sign keep
  // every pre-activation on one side (the leaky slope's side for negative biases).
  it.each([['positive (slope 1)', 10], ['negative (slope 0.2)', -10]])(
    'has exact second-order gradients: matches finite differences with all units %s',
    (_label, bias) => {
      const critic = createCritic(2, 11);
      for (const [name, v] of critic.variables) {
        v.assign(name.endsWith('bias') ? tf.fill(v.shape, bias) : tf.abs(v));
      }
      const real = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      const fake = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
      const gp = () => gradientPenalty(critic, real, fake, 5); // fixed seed: same interpolates each call
      const { grads } = tf.variableGrads(gp, [...critic.variables.values()]);
      let checked = 0;
      for (const name of ['conv0.weight', 'conv2.weight', 'conv4.weight']) {
        const v = critic.variables.get(name)!;
        const analytic = grads[v.name]!.dataSync();
        const base = v.dataSync().slice();
        for (const index of [0, 7]) {
          const at = (delta: number) => {
            const moved = base.slice();
            moved[index]! += delta;
            v.assign(tf.tensor(moved, v.shape));
            return tf.tidy(() => scalar(gp()));
          };
          const eps = 1e-3 * Math.max(1, Math.abs(base[index]!));
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          expect(Math.abs(analytic[index]! - numeric)).toBeLessThan(0.02 * Math.abs(numeric) + 1e-4);
          if (Math.abs(numeric) > 1e-3) checked++;
        }
        v.assign(tf.tensor(base, v.shape));
      }
      expect(checked).toBeGreaterThan(3); // the comparisons were not 0 ≈ 0
      critic.dispose();
    },
  );

  it('critic loss rewards scoring real above fake', () => {
    const critic = createCritic(4, 3);
    const real = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const loss = tf.tidy(() => scalar(criticLoss(critic, real, real, 0)));
    expect(Math.abs(loss)).toBeLessThan(1e-6); // identical inputs: Wasserstein estimate 0
    expect(tf.tidy(() => scalar(criticLoss(critic, real, tf.neg(real) as tf.Tensor4D, 10, 2)))).not.toBe(loss);
    critic.dispose();
  });
});

describe('content and perceptual losses', () => {
  it('perceptual L2 on VGG19 conv3_3: zero for identical images, positive for blurred vs sharp', async () => {
    const vgg = await loadVgg();
    const blurred = cropTensor(await realCrop(GOPRO_BLURRED, 600, 300, 32), 32, 32);
    const sharp = cropTensor(await realCrop(GOPRO_BLURRED.replace('.png', '_gt.png'), 600, 300, 32), 32, 32);
    expect(tf.tidy(() => vgg.features(blurred).shape)).toEqual([1, 8, 8, 256]);
    expect(tf.tidy(() => scalar(perceptualLoss(vgg, sharp, sharp)))).toBe(0);
    const p = tf.tidy(() => scalar(perceptualLoss(vgg, blurred, sharp)));
    expect(p).toBeGreaterThan(0);
    const { total, terms } = generatorLoss(blurred, sharp, { l1: 1, perceptual: 0.5, adversarial: 0, gradientPenalty: 10 }, { vgg });
    expect(terms.adversarial).toBeNull();
    expect(scalar(total)).toBeCloseTo(scalar(l1Loss(blurred, sharp)) + 0.5 * p, 2);
    vgg.dispose();
  });

  it('says clearly when the VGG weights are missing', async () => {
    const missing = `${repoRoot}/no-such-vgg`;
    await expect(loadVgg(missing)).rejects.toThrow(UnshakeError);
    await expect(loadVgg(missing)).rejects.toThrow(/VGG19 weights for the perceptual loss are missing: no model\.json in .*no-such-vgg/);
  });
});
