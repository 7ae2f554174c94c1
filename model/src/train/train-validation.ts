import * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';
import { psnr, ssim } from '../eval/metrics.js';
import { validationCrop } from './crop-sampler.js';
import type { TrainableGenerator } from './onnx-to-tf.js';
import type { TrainingPair } from './pairs.js';
import { cropTensor, rgbToNetwork, toUnitRange } from './tensor-image.js';
import { throwIfStopped } from './train-stop.js';

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

export async function loadValidationSet(pairs: readonly TrainingPair[], size: number, signal?: AbortSignal): Promise<ValidationItem[]> {
  const items: ValidationItem[] = [];
  for (const p of pairs) {
    throwIfStopped(signal);
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

/**
 * Mean PSNR/SSIM of the generator's output (or of the blurred input when `gen` is null). `modelId`
 * names the model in the error for an output of another size than its input (a stride-2 or
 * upscaling network), which the metrics could only call arrays of different lengths. `signal`: the
 * starting model's measurement stops between crops (validations during training are not asked to).
 */
export async function scoreSet(gen: TrainableGenerator | null, items: readonly ValidationItem[], modelId = 'being trained', signal?: AbortSignal): Promise<Scores> {
  const all: Scores[] = [];
  for (const item of items) {
    throwIfStopped(signal);
    const out = tf.tidy(() => {
      const x = cropTensor(item.blurred, item.edge, item.edge);
      return gen ? gen.apply(x) : x;
    });
    const [, h, w, c] = out.shape;
    if (h !== item.edge || w !== item.edge || c !== 3) {
      out.dispose();
      throw new UnshakeError(
        'MODEL_INVALID',
        `The model "${modelId}" returns a ${w}×${h} image${c === 3 ? '' : ` with ${c} channels`} for a ${item.edge}×${item.edge} crop; Unshake needs a model whose output is the same size as its input, with its 3 colour channels.`,
      );
    }
    // Async read-back: WebGPU cannot read synchronously in Node.
    const data = (await out.data()) as Float32Array;
    out.dispose();
    all.push(score(asEightBit(toUnitRange(data)), item));
  }
  return mean(all);
}

/** Scores of a model that output NaN somewhere (asEightBit keeps NaN; an infinite PSNR is a perfect match). */
export function unusableScores(s: Scores): boolean {
  return Number.isNaN(s.psnr) || Number.isNaN(s.ssim);
}
