import * as tf from '@tensorflow/tfjs';

/**
 * ONNX ↔ TF.js layout conversions. ONNX activations are NCHW and kernels OIHW; TF.js convs
 * on the CPU/WebGPU backends take NHWC activations and HWIO kernels, so every kernel is
 * re-laid out inside the forward pass (differentiable) while the trainable variables keep the
 * ONNX layout — writing them back into the file is then a plain copy.
 */

/** Conv weight [O, I/g, kH, kW] → tf.conv2d filter [kH, kW, I, O]. */
export function convKernelToHwio(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]);
}

/** Depthwise Conv weight [C·m, 1, kH, kW] (group = C) → tf.depthwiseConv2d filter [kH, kW, C, m]. */
export function depthwiseKernelToTf(w: tf.Tensor4D, channels: number): tf.Tensor4D {
  const [o, one, kh, kw] = w.shape;
  if (one !== 1 || o % channels !== 0) throw new Error(`depthwise kernel ${w.shape.join('x')} does not fit ${channels} channels`);
  return tf.transpose(tf.reshape(w, [channels, o / channels, kh, kw]), [2, 3, 0, 1]);
}

/** ConvTranspose weight [I, O, kH, kW] → tf.conv2dTranspose filter [kH, kW, O, I]. */
export function convTransposeKernelToTf(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]);
}

export function nchwToNhwc<T extends tf.Tensor>(x: T): T {
  return tf.transpose(x, [0, 2, 3, 1]);
}

export function nhwcToNchw<T extends tf.Tensor>(x: T): T {
  return tf.transpose(x, [0, 3, 1, 2]);
}

/** An ONNX axis of a rank-4 NCHW tensor → the same axis in NHWC. */
export function nchwAxisToNhwc(axis: number): number {
  const a = axis < 0 ? axis + 4 : axis;
  const map = [0, 3, 1, 2];
  const mapped = map[a];
  if (mapped === undefined) throw new Error(`axis ${axis} is out of range for a 4-D tensor`);
  return mapped;
}

/** ONNX Pad `pads` for NCHW [n0, c0, h0, w0, n1, c1, h1, w1] → tf.pad paddings in NHWC. */
export function onnxPadsToNhwc(pads: readonly number[]): [number, number][] {
  if (pads.length !== 8) throw new Error(`expected 8 pad values for a 4-D tensor, got ${pads.length}`);
  const [n0, c0, h0, w0, n1, c1, h1, w1] = pads as [number, number, number, number, number, number, number, number];
  return [[n0, n1], [h0, h1], [w0, w1], [c0, c1]];
}

/**
 * A constant that broadcasts against an NCHW activation (e.g. a [1, C, 1, 1] or [C, 1, 1]
 * scale) → its NHWC equivalent. Scalars and vectors broadcast the same in both layouts only
 * when they have a single element; a length-W vector stays on the last axis in ONNX, which in
 * NHWC is channels, so those are rejected rather than silently mis-broadcast.
 */
export function broadcastConstToNhwc(t: tf.Tensor): tf.Tensor {
  if (t.size === 1) return tf.reshape(t, []);
  if (t.rank === 4) return tf.transpose(t, [0, 2, 3, 1]);
  if (t.rank === 3) return tf.transpose(t, [1, 2, 0]);
  throw new Error(`cannot map a ${t.shape.join('x')} constant broadcast against NCHW data to NHWC`);
}
