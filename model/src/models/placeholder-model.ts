import { createHash } from 'node:crypto';
import type { ModelManifest } from './manifest.js';
import {
  encodeModel,
  floatTensor,
  int64Tensor,
  intAttr,
  intsAttr,
  node,
  stringAttr,
  tensorInfo,
} from './onnx-writer.js';

/**
 * The stand-in generator shipped until the trained base model exists (issue 5). It follows the
 * real generator's I/O convention — "blurred" NCHW RGB in [-1, 1] → "sharp", global residual
 * out = clip(in + tanh(f(in)), -1, 1) — with f a fixed unsharp mask: k·(in − gauss5x5(in)).
 * So the whole app path runs and mildly sharpens, but nothing here is learned.
 */
export const PLACEHOLDER_ID = 'placeholder';
const SIGMA = 1;
const RADIUS = 2;
const AMOUNT = 0.8;

function gaussianKernel2d(): number[] {
  const taps = Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA * SIGMA)));
  const sum = taps.reduce((a, b) => a + b, 0);
  const norm = taps.map((t) => t / sum);
  return norm.flatMap((wy) => norm.map((wx) => wy * wx));
}

export function buildPlaceholderOnnx(): Uint8Array {
  const k = 2 * RADIUS + 1;
  const kernel = gaussianKernel2d();
  const weights = [0, 1, 2].flatMap(() => kernel); // depthwise: one 5x5 per RGB channel
  return encodeModel({
    name: 'unshake_placeholder_unsharp',
    docString: 'Placeholder generator: fixed unsharp mask with tanh residual. Not trained.',
    inputs: [tensorInfo('blurred', ['N', 3, 'H', 'W'])],
    outputs: [tensorInfo('sharp', ['N', 3, 'H', 'W'])],
    initializers: [
      floatTensor('gauss_w', [3, 1, k, k], weights),
      // Reflect-pad inside the graph so image borders do not darken like zero padding would.
      int64Tensor('pads', [8], [0, 0, RADIUS, RADIUS, 0, 0, RADIUS, RADIUS]),
      floatTensor('amount', [], [AMOUNT]),
      floatTensor('lo', [], [-1]),
      floatTensor('hi', [], [1]),
    ],
    nodes: [
      node('Pad', ['blurred', 'pads'], ['padded'], [stringAttr('mode', 'reflect')]),
      node('Conv', ['padded', 'gauss_w'], ['smooth'], [intAttr('group', 3), intsAttr('kernel_shape', [k, k])]),
      node('Sub', ['blurred', 'smooth'], ['detail']),
      node('Mul', ['detail', 'amount'], ['scaled']),
      node('Tanh', ['scaled'], ['residual']),
      node('Add', ['blurred', 'residual'], ['sum']),
      node('Clip', ['sum', 'lo', 'hi'], ['sharp']),
    ],
    metadata: { unshake_placeholder: 'true' },
  });
}

export function placeholderManifest(onnx: Uint8Array): ModelManifest {
  return {
    id: PLACEHOLDER_ID,
    name: 'Placeholder (unsharp, untrained)',
    description:
      'Not a deblurrer: a fixed unsharp mask (5×5 Gaussian, σ=1, amount 0.8) in the generator’s I/O convention, ' +
      'for tests and as a reference. It sharpens slightly but does not remove camera shake.',
    placeholder: true,
    file: `${PLACEHOLDER_ID}.onnx`,
    sha256: createHash('sha256').update(onnx).digest('hex'),
    parameters: 3 * (2 * RADIUS + 1) ** 2 + 1,
    io: {
      inputName: 'blurred',
      outputName: 'sharp',
      layout: 'NCHW',
      channels: 3,
      colorSpace: 'srgb',
      range: [-1, 1],
      sizeMultiple: 4,
      receptiveFieldMargin: RADIUS,
      preferredTileSize: 512,
    },
    // 75 MACs per pixel for the depthwise 5x5 conv; the element-wise ops are not counted.
    gmacPerMegapixel: 0.075,
  };
}
