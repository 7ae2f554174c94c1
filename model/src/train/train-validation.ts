import * as tf from '@tensorflow/tfjs';
import { psnr, ssim } from '../eval/metrics.js';
import { validationCrop } from './crop-sampler.js';
import type { TrainableGenerator } from './onnx-to-tf.js';
import type { TrainingPair } from './pairs.js';
import { cropTensor, rgbToNetwork, toUnitRange } from './tensor-image.js';

/** Held-out scores on centre crops of the validation pairs (same crops before, during, after). */
export interface Scores {
  psnr: number;
  ssim: number;
}

export interface ValidationItem {
  name: string;
  edge: number;
  blurred: Uint8Array;
  /** Sharp target in [0, 1], interleaved RGB. */
  target: Float32Array;
}

export async function loadValidationSet(pairs: readonly TrainingPair[], size: number): Promise<ValidationItem[]> {
  const items: ValidationItem[] = [];
  for (const p of pairs) {
    const crop = await validationCrop(p, size);
    items.push({ name: p.name, edge: crop.edge, blurred: crop.blurred, target: toUnitRange(rgbToNetwork(crop.sharp)) });
  }
  return items;
}

function score(output: Float32Array, item: ValidationItem): Scores {
  return { psnr: psnr(output, item.target), ssim: ssim(output, item.target, item.edge, item.edge, 3) };
}

/**
 * Rounded to the 8-bit levels a saved file would hold, as the input already is and as `npm run
 * eval` and the base recipe's metrics score an output: unrounded, the model gained ~0.05 dB for free.
 */
function asEightBit(unit: Float32Array): Float32Array {
  return unit.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255) / 255);
}

function mean(all: Scores[]): Scores {
  return { psnr: all.reduce((s, x) => s + x.psnr, 0) / all.length, ssim: all.reduce((s, x) => s + x.ssim, 0) / all.length };
}

/** Mean PSNR/SSIM of the generator's output (or of the blurred input when `gen` is null). */
export async function scoreSet(gen: TrainableGenerator | null, items: readonly ValidationItem[]): Promise<Scores> {
  const all: Scores[] = [];
  for (const item of items) {
    const out = tf.tidy(() => {
      const x = cropTensor(item.blurred, item.edge, item.edge);
      return gen ? gen.apply(x) : x;
    });
    // Async read-back: WebGPU cannot read synchronously in Node.
    const data = (await out.data()) as Float32Array;
    out.dispose();
    all.push(score(asEightBit(toUnitRange(data)), item));
  }
  return mean(all);
}
