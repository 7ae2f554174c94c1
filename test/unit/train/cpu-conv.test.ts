import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fastConv2d, fastConvTranspose, fastDepthwise } from '../../../model/src/train/cpu-conv.js';
import { grads, maxAbsDiff } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('CPU conv gradients via forward convolutions', () => {
  it('fastConv2d has the values and the input/filter gradients of tf.conv2d', () => {
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 2, 3, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
    const ref = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, 1, 'valid');
    expect(maxAbsDiff(fastConv2d(x, w).dataSync(), ref(x, w).dataSync())).toBeLessThan(1e-5);
    const [fx, fw] = grads(fastConv2d, x, w);
    const [rx, rw] = grads(ref, x, w);
    expect(maxAbsDiff(fx!, rx!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(fw!, rw!)).toBeLessThan(1e-4);
  });

  it.each([[[2, 1], [3, 1], 1], [[1, 2], [1, 3], 1], [[2, 2], [3, 3], 0]] as const)(
    'fastConvTranspose matches tf.conv2dTranspose with strides %j, kernel %j, output padding %i',
    (strides, kernel, outputPadding) => {
      const x = tf.randomNormal([2, 5, 4, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const w = tf.randomNormal([kernel[0], kernel[1], 6, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      const out: [number, number, number, number] = [
        2,
        (5 - 1) * strides[0] + kernel[0] + (strides[0] > 1 ? outputPadding : 0),
        (4 - 1) * strides[1] + kernel[1] + (strides[1] > 1 ? outputPadding : 0),
        6,
      ];
      const s: [number, number] = [strides[0], strides[1]];
      const fast = (a: tf.Tensor4D, b: tf.Tensor4D) => fastConvTranspose(a, b, out, s);
      const ref = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2dTranspose(a, b, out, s, 'valid');
      expect(maxAbsDiff(fast(x, w).dataSync(), ref(x, w).dataSync())).toBeLessThan(1e-5);
      const [fx, fw] = grads(fast, x, w);
      const [rx, rw] = grads(ref, x, w);
      expect(maxAbsDiff(fx!, rx!)).toBeLessThan(1e-4);
      expect(maxAbsDiff(fw!, rw!)).toBeLessThan(1e-4);
    },
  );

  it.each([1, 2] as const)('fastDepthwise matches tf.depthwiseConv2d values and gradients at stride %i', (stride) => {
    const x = tf.randomNormal([2, 10, 9, 4], 0, 1, 'float32', 6) as tf.Tensor4D; // (10 − 3) is odd: a ragged last stride
    const w = tf.randomNormal([3, 3, 4, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const s: [number, number] = [stride, stride];
    const fast = (a: tf.Tensor4D, b: tf.Tensor4D) => fastDepthwise(a, b, s);
    const ref = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.depthwiseConv2d(a, b, s, 'valid');
    expect(maxAbsDiff(fast(x, w).dataSync(), ref(x, w).dataSync())).toBeLessThan(1e-5);
    const [fx, fw] = grads(fast, x, w);
    const [rx, rw] = grads(ref, x, w);
    expect(maxAbsDiff(fx!, rx!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(fw!, rw!)).toBeLessThan(1e-4);
  });
});
