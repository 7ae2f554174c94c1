import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCritic, criticOutputSize } from '../../../model/src/train/critic.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the critic’s geometry', () => {
  it('predicts the patch-score map the real critic gives, and 0 where it gives none', () => {
    const critic = createCritic(2, 1);
    try {
      for (let size = 8; size <= 64; size += 4) {
        const real = tf.tidy(() => {
          try {
            const [, h, w] = critic.apply(tf.zeros([1, size, size, 3]) as tf.Tensor4D).shape;
            return h === w ? h : -1;
          } catch {
            return 0; // a shape no stride-2 layer can take
          }
        });
        expect(criticOutputSize(size), `${size} px`).toBe(real);
      }
    } finally {
      critic.dispose();
    }
    // The smallest crop the adversarial loss can score (the CLI names it).
    expect([16, 20, 24].map(criticOutputSize)).toEqual([0, 0, 1]);
  });
});
