import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { atrous } from '../../../model/src/train/tf-ops.js';
import { grads, maxAbsDiff } from './helpers.js';

/** The dilated kernel written out: w[u, v] at (u·dh, v·dw), zeros between (differentiable). */
function zeroInserted(w: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  const rows: tf.Tensor4D[] = [];
  for (let u = 0; u < kh; u++) {
    const cols: tf.Tensor4D[] = [];
    for (let v = 0; v < kw; v++) {
      cols.push(tf.slice(w, [u, v, 0, 0], [1, 1, cin, cout]));
      if (v < kw - 1 && dw > 1) cols.push(tf.zeros([1, dw - 1, cin, cout]));
    }
    rows.push(tf.concat(cols, 1));
    if (u < kh - 1 && dh > 1) rows.push(tf.zeros([dh - 1, (kw - 1) * dw + 1, cin, cout]));
  }
  return tf.concat(rows, 0);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('atrous (dilated convs that TF.js can differentiate)', () => {
  // Sizes not divisible by the dilation exercise the padding that is cut off again.
  it.each([
    [[2, 2], [11, 10]],
    [[3, 1], [13, 9]],
    [[4, 8], [21, 26]],
  ] as const)('a plain conv with dilations %j on %j has the values and gradients of the written-out kernel', (d, [h, w]) => {
    const dil: [number, number] = [d[0], d[1]];
    const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
    const k = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 12) as tf.Tensor4D;
    const ours = (a: tf.Tensor4D, b: tf.Tensor4D) => atrous(a, [3, 3], dil, (t) => tf.conv2d(t, b, 1, 'valid'));
    const ref = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, zeroInserted(b, dil), 1, 'valid');
    expect(ours(x, k).shape).toEqual([2, h - 2 * dil[0], w - 2 * dil[1], 4]);
    expect(maxAbsDiff(ours(x, k).dataSync(), ref(x, k).dataSync())).toBeLessThan(1e-4);
    // TF.js's own dilated forward agrees too (it only lacks the gradient).
    expect(maxAbsDiff(ours(x, k).dataSync(), tf.conv2d(x, k, 1, 'valid', 'NHWC', dil).dataSync())).toBeLessThan(1e-4);
    const [ox, ok] = grads(ours, x, k);
    const [rx, rk] = grads(ref, x, k);
    expect(maxAbsDiff(ox!, rx!)).toBeLessThan(1e-3);
    expect(maxAbsDiff(ok!, rk!)).toBeLessThan(1e-3);
    expect(maxAbsDiff(ok!, new Float32Array(ok!.length))).toBeGreaterThan(0.1);
  });

  it('a depthwise conv with dilation 4 has the values and gradients of the written-out kernel', () => {
    const dil: [number, number] = [4, 4];
    const x = tf.randomNormal([1, 19, 17, 5], 0, 1, 'float32', 13) as tf.Tensor4D;
    const k = tf.randomNormal([3, 3, 5, 1], 0, 1, 'float32', 14) as tf.Tensor4D;
    const ours = (a: tf.Tensor4D, b: tf.Tensor4D) => atrous(a, [3, 3], dil, (t) => tf.depthwiseConv2d(t, b, 1, 'valid'));
    const ref = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.depthwiseConv2d(a, zeroInserted(b, dil), 1, 'valid');
    expect(maxAbsDiff(ours(x, k).dataSync(), ref(x, k).dataSync())).toBeLessThan(1e-4);
    const [ox, ok] = grads(ours, x, k);
    const [rx, rk] = grads(ref, x, k);
    expect(maxAbsDiff(ox!, rx!)).toBeLessThan(1e-3);
    expect(maxAbsDiff(ok!, rk!)).toBeLessThan(1e-3);
  });
});
