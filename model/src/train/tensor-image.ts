import * as tf from '@tensorflow/tfjs';

/** Conversions between 8-bit interleaved RGB crops and the network's NHWC [-1, 1] tensors. */

/** Interleaved RGB (0–255) → Float32 NHWC values in [-1, 1]. */
export function rgbToNetwork(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 127.5 - 1;
  return out;
}

/** One crop as a [1, H, W, 3] tensor. */
export function cropTensor(pixels: Uint8Array, width: number, height: number): tf.Tensor4D {
  return tf.tensor4d(rgbToNetwork(pixels), [1, height, width, 3]);
}

/** Network values [-1, 1] → [0, 1] (for PSNR/SSIM on the same scale as the eval module). */
export function toUnitRange(values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, Math.max(0, (values[i]! + 1) / 2));
  return out;
}
