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
const KERNEL = 4;
const PAD = 1;
/** Strides of the five 4×4 convs (each padded by 1); createCritic builds these layers. */
const STRIDES = [2, 2, 2, 1, 1] as const;

/**
 * Side of the patch-score map for a square input of `size` px, or 0 when there is none: the
 * input is too small, or a stride-2 layer would get an odd padded side (criticConv's
 * space-to-depth needs it even). An empty map gives the adversarial loss nothing to score.
 */
export function criticOutputSize(size: number): number {
  let s = size;
  for (const stride of STRIDES) {
    const padded = s + 2 * PAD;
    if (stride === 2 && padded % 2 !== 0) return 0;
    s = Math.floor((padded - KERNEL) / stride) + 1;
    if (s < 1) return 0;
  }
  return s;
}

function leakyReluTwiceDifferentiable(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.relu(x), tf.mul(SLOPE, tf.relu(tf.neg(x))));
}

export function createCritic(width = 64, seed = 1): PatchCritic {
  const w = width;
  const channels = [3, w, 2 * w, 4 * w, 8 * w, 1];
  const layers = STRIDES.map((stride, i) => [channels[i]!, channels[i + 1]!, stride] as const);
  const prefix = uniquePrefix('critic');
  const variables = new Map<string, tf.Variable>();
  layers.forEach(([cin, cout], i) => {
    // He-normal init scaled for the leaky slope, seeded so runs repeat.
    const std = Math.sqrt(2 / ((1 + SLOPE * SLOPE) * cin * KERNEL * KERNEL));
    variables.set(`conv${i}.weight`, tf.variable(tf.randomNormal([KERNEL, KERNEL, cin, cout], 0, std, 'float32', seed + i), true, `${prefix}/conv${i}.weight`));
    variables.set(`conv${i}.bias`, tf.variable(tf.zeros([cout]), true, `${prefix}/conv${i}.bias`));
  });
  const apply = (x: tf.Tensor4D): tf.Tensor4D => {
    let h: tf.Tensor4D = x;
    layers.forEach(([, , stride], i) => {
      const padded = tf.pad(h, [[0, 0], [PAD, PAD], [PAD, PAD], [0, 0]]);
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
