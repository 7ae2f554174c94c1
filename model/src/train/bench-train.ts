import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { createCritic } from './critic.js';
import { DEFAULT_LOSS_WEIGHTS, type LossWeights } from './losses.js';
import { buildGenerator, decoderWeightNames } from './onnx-to-tf.js';
import { Rng } from './random.js';
import { disposeNets, trainStep, type StepNets } from './train-step.js';
import { loadVgg } from './vgg.js';

/**
 * Seconds per training step on the current TF.js backend (pick it first with
 * loadBestBackend), for `npm run bench`. The first step (optimizer slots, kernel warm-up) is
 * not timed. Inputs are seeded noise: the cost of a step does not depend on the pixels.
 */
export interface TrainBenchOptions {
  size?: number;
  batch?: number;
  /** Timed steps after the warm-up step. */
  steps?: number;
  /** 'full' = the default losses (L1 + VGG perceptual + WGAN-GP critic); 'l1' = content only. */
  losses?: 'full' | 'l1';
  criticWidth?: number;
  vggDir?: string;
  /** 'decoder' trains only the decoder and tail (the lighter mode). */
  mode?: 'full' | 'decoder';
  /**
   * When the first (warm-up) step alone takes longer than this, it is the measurement: on a
   * backend that needs minutes per step, warm-up is a rounding error and a second step would
   * double the bench. Default: always time `steps` more steps.
   */
  firstStepSuffices?: number;
}

export interface TrainBenchResult {
  backend: string;
  size: number;
  batch: number;
  losses: 'full' | 'l1';
  mode: 'full' | 'decoder';
  secondsPerStep: number;
  /** The first step (optimizer slots, kernel compilation) on its own. */
  firstStepSeconds: number;
  /** Steps timed after the first; 0 = secondsPerStep is the first step's time. */
  timedSteps: number;
  criticWidth: number | null;
}

export async function benchTrainStep(onnxPath: string, options: TrainBenchOptions = {}): Promise<TrainBenchResult> {
  const size = options.size ?? 64;
  const batch = options.batch ?? 4;
  const losses = options.losses ?? 'full';
  const weights: LossWeights = losses === 'full' ? DEFAULT_LOSS_WEIGHTS : { l1: 1, perceptual: 0, adversarial: 0, gradientPenalty: 0 };
  const full = losses === 'full';
  const mode = options.mode ?? 'full';
  const bytes = new Uint8Array(await readFile(onnxPath));
  const decoder = mode === 'decoder' ? decoderWeightNames(bytes) : null;
  const nets: StepNets = {
    gen: buildGenerator(bytes, decoder ? { trainable: (n) => decoder.has(n) } : {}),
    genOpt: tf.train.adam(1e-4),
    critic: full ? createCritic(options.criticWidth ?? 64) : null,
    criticOpt: full ? tf.train.adam(1e-4, 0.5, 0.999) : null,
    vgg: full ? await loadVgg(options.vggDir) : null,
    weights,
    criticSteps: 1,
  };
  const rng = new Rng(1);
  const noise = () => Float32Array.from({ length: batch * size * size * 3 }, () => rng.next() * 2 - 1);
  const data = { blurred: noise(), sharp: noise(), shape: [batch, size, size, 3] as [number, number, number, number] };
  try {
    const t0 = performance.now();
    await trainStep(nets, data, 1);
    const firstStepSeconds = (performance.now() - t0) / 1000;
    const timed = firstStepSeconds > (options.firstStepSuffices ?? Infinity) ? 0 : (options.steps ?? 1);
    const started = performance.now();
    for (let i = 0; i < timed; i++) await trainStep(nets, data, i + 2);
    const secondsPerStep = timed ? (performance.now() - started) / 1000 / timed : firstStepSeconds;
    const criticWidth = full ? (options.criticWidth ?? 64) : null;
    return { backend: tf.getBackend(), size, batch, losses, mode, secondsPerStep, firstStepSeconds, timedSteps: timed, criticWidth };
  } finally {
    disposeNets(nets);
  }
}
