import * as tf from '@tensorflow/tfjs';
import { criticConv } from './critic-conv.js';
import { assignVariables, readVariables, uniquePrefix } from './weight-store.js';

/**
 * PatchGAN critic of 4×4 convs (pix2pix 70×70 layout, as model/base/architecture.py), NHWC.
 * No normalisation: WGAN-GP's per-sample gradient penalty is invalid with batch statistics.
 * LeakyReLU is written as relu(x) − 0.2·relu(−x): TF.js has no second-order gradient for
 * tf.leakyRelu (its gradient uses Greater, which has none), while relu's gradient is
 * differentiable again, so the gradient penalty below is the exact WGAN-GP term.
 */
export interface PatchCritic {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** [N, H, W, 3] in [-1, 1] → patch scores [N, h, w, 1]. Call inside tf.tidy or a gradient function. */
  apply(x: tf.Tensor4D): tf.Tensor4D;
  readWeights(): Promise<Map<string, Float32Array>>;
  assignWeights(weights: ReadonlyMap<string, Float32Array>): void;
  dispose(): void;
}

const SLOPE = 0.2;

export function leakyReluTwiceDifferentiable(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.relu(x), tf.mul(SLOPE, tf.relu(tf.neg(x))));
}

export function createCritic(width = 64, seed = 1): PatchCritic {
  const w = width;
  const layers: [number, number, 1 | 2][] = [[3, w, 2], [w, 2 * w, 2], [2 * w, 4 * w, 2], [4 * w, 8 * w, 1], [8 * w, 1, 1]];
  const prefix = uniquePrefix('critic');
  const variables = new Map<string, tf.Variable>();
  layers.forEach(([cin, cout], i) => {
    // He-normal init scaled for the leaky slope, seeded so runs repeat.
    const std = Math.sqrt(2 / ((1 + SLOPE * SLOPE) * cin * 16));
    variables.set(`conv${i}.weight`, tf.variable(tf.randomNormal([4, 4, cin, cout], 0, std, 'float32', seed + i), true, `${prefix}/conv${i}.weight`));
    variables.set(`conv${i}.bias`, tf.variable(tf.zeros([cout]), true, `${prefix}/conv${i}.bias`));
  });
  const apply = (x: tf.Tensor4D): tf.Tensor4D => {
    let h: tf.Tensor4D = x;
    layers.forEach(([, , stride], i) => {
      const padded = tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      const y = tf.add(criticConv(padded, variables.get(`conv${i}.weight`) as tf.Variable<tf.Rank.R4>, stride), variables.get(`conv${i}.bias`)!);
      h = (i < layers.length - 1 ? leakyReluTwiceDifferentiable(y) : y) as tf.Tensor4D;
    });
    return h;
  };
  return {
    variables,
    apply,
    readWeights: () => readVariables(variables),
    assignWeights: (weights) => assignVariables(variables, weights, 'critic'),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}
