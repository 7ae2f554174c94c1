import * as tf from '@tensorflow/tfjs';
import type { PatchCritic } from './critic.js';
import type { CropBatch } from './crop-sampler.js';
import { criticLoss, generatorLoss, type LossWeights } from './losses.js';
import type { TrainableGenerator } from './onnx-to-tf.js';
import type { VggFeatures } from './vgg.js';

/** The networks and optimizers one training step updates. */
export interface StepNets {
  gen: TrainableGenerator;
  genOpt: tf.Optimizer;
  critic: PatchCritic | null;
  criticOpt: tf.Optimizer | null;
  vgg: VggFeatures | null;
  weights: LossWeights;
  criticSteps: number;
}

const trainableOf = (vars: ReadonlyMap<string, tf.Variable>) => [...vars.values()].filter((v) => v.trainable);
// Async reads: the WebGPU backend has no synchronous GPU read-back in Node (no OffscreenCanvas).
const read = async (t: tf.Tensor) => (await t.data())[0]!;

/**
 * One WGAN-GP step: `criticSteps` critic updates on this batch's (detached) fake, then one
 * generator update. The fake is reused across critic updates, as model/base/train.py does:
 * fresh generator forwards would multiply the (dominant, on CPU) generator cost.
 * Every tensor made here is disposed before returning; the loss values come back as numbers.
 */
export async function trainStep(nets: StepNets, batch: CropBatch, seed: number): Promise<Record<string, number>> {
  const { gen, critic, criticOpt, weights } = nets;
  const x = tf.tensor4d(batch.blurred, batch.shape);
  const y = tf.tensor4d(batch.sharp, batch.shape);
  const losses: Record<string, number> = {};
  try {
    if (critic && criticOpt && weights.adversarial > 0) {
      const fake = tf.tidy(() => gen.apply(x));
      const vars = trainableOf(critic.variables);
      for (let i = 0; i < nets.criticSteps; i++) {
        const cost = criticOpt.minimize(() => criticLoss(critic, y, fake, weights.gradientPenalty, seed * 16 + i), true, vars)!;
        losses.critic = await read(cost);
        cost.dispose();
      }
      fake.dispose();
    }
    const kept: [string, tf.Scalar][] = [];
    const cost = nets.genOpt.minimize(() => {
      const { total, terms } = generatorLoss(gen.apply(x), y, weights, { vgg: nets.vgg, critic });
      for (const [name, t] of Object.entries(terms)) if (t) kept.push([name, tf.keep(t)]);
      return total;
    }, true, trainableOf(gen.variables))!;
    losses.total = await read(cost);
    cost.dispose();
    for (const [name, t] of kept) {
      losses[name] = await read(t);
      t.dispose();
    }
  } finally {
    x.dispose();
    y.dispose();
  }
  return losses;
}

/** Release the networks' variables and the optimizers' slots. */
export function disposeNets(nets: Pick<StepNets, 'gen' | 'genOpt' | 'critic' | 'criticOpt' | 'vgg'>): void {
  nets.gen.dispose();
  nets.critic?.dispose();
  nets.vgg?.dispose();
  nets.genOpt.dispose();
  nets.criticOpt?.dispose();
}
