import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  broadcastConstToNhwc,
  convKernelToHwio,
  convTransposeKernelToTf,
  depthwiseKernelToTf,
  nchwAxisToNhwc,
  nchwToNhwc,
  nhwcToNchw,
  onnxPadsToNhwc,
} from '../../../model/src/train/layout.js';
import { maxAbsDiff } from './helpers.js';

/** Deterministic values so a failure reproduces. */
const seq = (n: number, k = 0.37) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k + 1));
const at4 = (d: number[]) => (a: number, b: number, c: number, e: number) => ((a * d[1]! + b) * d[2]! + c) * d[3]! + e;

/** ONNX Conv semantics written out loop by loop (NCHW, OIHW, groups, stride, no padding). */
function naiveConv(x: Float32Array, xs: number[], w: Float32Array, ws: number[], group: number, stride: number): { y: Float32Array; shape: number[] } {
  const [, C, H, W] = xs as [number, number, number, number];
  const [O, Ig, KH, KW] = ws as [number, number, number, number];
  const OH = Math.floor((H - KH) / stride) + 1;
  const OW = Math.floor((W - KW) / stride) + 1;
  const y = new Float32Array(O * OH * OW);
  const xi = at4(xs);
  const wi = at4(ws);
  const og = O / group;
  for (let o = 0; o < O; o++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++) {
        let s = 0;
        const g = Math.floor(o / og);
        for (let c = 0; c < Ig; c++)
          for (let u = 0; u < KH; u++) for (let v = 0; v < KW; v++) s += x[xi(0, g * Ig + c, i * stride + u, j * stride + v)]! * w[wi(o, c, u, v)]!;
        y[(o * OH + i) * OW + j] = s;
      }
  expect(C).toBe(Ig * group);
  return { y, shape: [1, O, OH, OW] };
}

/** ONNX ConvTranspose semantics (NCHW, weight [I, O, kH, kW], stride, no pads): scatter-add. */
function naiveConvTranspose(x: Float32Array, xs: number[], w: Float32Array, ws: number[], sh: number, sw: number): { y: Float32Array; shape: number[] } {
  const [, I, H, W] = xs as [number, number, number, number];
  const [, O, KH, KW] = ws as [number, number, number, number];
  const OH = (H - 1) * sh + KH;
  const OW = (W - 1) * sw + KW;
  const y = new Float32Array(O * OH * OW);
  const xi = at4(xs);
  const wi = at4(ws);
  for (let c = 0; c < I; c++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let o = 0; o < O; o++)
          for (let u = 0; u < KH; u++) for (let v = 0; v < KW; v++) y[(o * OH + i * sh + u) * OW + j * sw + v]! += x[xi(0, c, i, j)]! * w[wi(c, o, u, v)]!;
  return { y, shape: [1, O, OH, OW] };
}

const nchwOf = (t: tf.Tensor4D) => tf.tidy(() => nhwcToNchw(t)).dataSync();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('kernel layout conversions', () => {
  const xs = [1, 4, 7, 6];
  const x = seq(4 * 7 * 6);
  const xNhwc = () => nchwToNhwc(tf.tensor4d(x, xs as [number, number, number, number]));

  it('OIHW → HWIO gives ONNX Conv results (plain conv, stride 2)', () => {
    const ws = [5, 4, 3, 2];
    const w = seq(5 * 4 * 3 * 2, 0.91);
    const ref = naiveConv(x, xs, w, ws, 1, 2);
    const y = tf.tidy(() => tf.conv2d(xNhwc(), convKernelToHwio(tf.tensor4d(w, ws as [number, number, number, number])), 2, 'valid'));
    expect(nhwcToNchw(y).shape).toEqual(ref.shape);
    expect(maxAbsDiff(nchwOf(y), ref.y)).toBeLessThan(1e-5);
  });

  it('depthwise [C·m, 1, kH, kW] → [kH, kW, C, m] gives ONNX group=C Conv results', () => {
    const ws = [8, 1, 3, 3]; // channel multiplier 2
    const w = seq(8 * 9, 0.53);
    const ref = naiveConv(x, xs, w, ws, 4, 1);
    const y = tf.tidy(() => tf.depthwiseConv2d(xNhwc(), depthwiseKernelToTf(tf.tensor4d(w, ws as [number, number, number, number]), 4), 1, 'valid'));
    expect(maxAbsDiff(nchwOf(y), ref.y)).toBeLessThan(1e-5);
  });

  it('ConvTranspose [I, O, kH, kW] → [kH, kW, O, I] gives ONNX ConvTranspose results for 3×1 and 1×3 kernels', () => {
    for (const [ws, sh, sw] of [[[4, 3, 3, 1], 2, 1], [[4, 3, 1, 3], 1, 2]] as [number[], number, number][]) {
      const w = seq(36, 0.29);
      const ref = naiveConvTranspose(x, xs, w, ws, sh, sw);
      const [, O, OH, OW] = ref.shape as [number, number, number, number];
      const y = tf.tidy(() => tf.conv2dTranspose(xNhwc(), convTransposeKernelToTf(tf.tensor4d(w, ws as [number, number, number, number])), [1, OH, OW, O], [sh, sw], 'valid'));
      expect(maxAbsDiff(nchwOf(y), ref.y)).toBeLessThan(1e-5);
    }
  });

  it('rejects a depthwise kernel whose channel count does not fit', () => {
    expect(() => depthwiseKernelToTf(tf.zeros([6, 1, 3, 3]) as tf.Tensor4D, 4)).toThrow(/does not fit/);
  });
});

describe('activation layout helpers', () => {
  it('maps NCHW axes, pads and broadcast constants to NHWC', () => {
    expect([0, 1, 2, 3, -3].map(nchwAxisToNhwc)).toEqual([0, 3, 1, 2, 3]);
    expect(onnxPadsToNhwc([0, 1, 2, 3, 4, 5, 6, 7])).toEqual([[0, 4], [2, 6], [3, 7], [1, 5]]);
    const scale = broadcastConstToNhwc(tf.tensor([1, 2, 3], [1, 3, 1, 1]));
    expect(scale.shape).toEqual([1, 1, 1, 3]);
    expect(broadcastConstToNhwc(tf.tensor([1, 2, 3], [3, 1, 1])).shape).toEqual([1, 1, 3]);
    expect(() => broadcastConstToNhwc(tf.tensor([1, 2], [2]))).toThrow(/cannot map/);
  });

  it('NCHW → NHWC → NCHW is the identity', () => {
    const t = tf.tensor4d(seq(2 * 3 * 4 * 5), [2, 3, 4, 5]);
    expect(nchwToNhwc(t).shape).toEqual([2, 4, 5, 3]);
    expect(Array.from(nhwcToNchw(nchwToNhwc(t)).dataSync())).toEqual(Array.from(t.dataSync()));
  });
});
