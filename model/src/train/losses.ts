import * as tf from '@tensorflow/tfjs';
import type { PatchCritic } from './critic.js';
import type { VggFeatures } from './vgg.js';

/**
 * Training losses (paper: WGAN-GP + 100 × perceptual L2 on VGG19 conv3_3; we add L1 content
 * for small photographer datasets). All take NHWC tensors in [-1, 1] and return scalars; call
 * them inside tf.tidy or a gradient function.
 */
/**
 * Defaults: L1 100, perceptual 10, adversarial 1. L1 because a photographer's few pairs give the
 * critic little to learn from and L1 is what moves PSNR; perceptual at a tenth of the paper's 100
 * because, mirrored in PyTorch on the base model (model/base/README.md, runs 40–41), the paper's
 * weight outweighs L1 ~10× on textured crops and in 1,000 steps cost 0.24 dB of held-out PSNR and
 * drew a grid on flat areas; a tenth cost 0.08 dB with at most a faint texture. `--perceptual 0
 * --adversarial 0` keeps PSNR best; `--perceptual 100` gives the paper's ratio.
 */
export const DEFAULT_LOSS_WEIGHTS: LossWeights = { l1: 100, perceptual: 10, adversarial: 1, gradientPenalty: 10 };

export interface LossWeights {
  /** L1 content term. */
  l1: number;
  /** Perceptual L2 on conv3_3 features, see perceptualLoss for the scale. */
  perceptual: number;
  /** Adversarial (WGAN) generator term; 0 skips the critic entirely. */
  adversarial: number;
  /** Gradient-penalty weight in the critic loss (λ = 10 in Gulrajani et al.). */
  gradientPenalty: number;
}

export function l1Loss(out: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(out, target)));
}

/**
 * Mean squared difference of conv3_3 features, divided by 255². The weights expect caffe input
 * (0–255), whose features are ~255× those of the [0, 1]-scaled input DeblurGAN's weight of 100
 * was tuned for; the division restores that scale (measured on a whole GoPro pair: raw MSE ≈ 1e4,
 * scaled ≈ 0.15, next to an L1 of ≈ 0.07; the base model's output on its 128² training crops ≈ 0.9).
 * model/base/losses.py divides the same way.
 */
export function perceptualLoss(vgg: VggFeatures, out: tf.Tensor4D, target: tf.Tensor4D): tf.Scalar {
  // TF.js has no stopGradient; none is needed: gradients only reach the variables a step asks for.
  return tf.div(tf.mean(tf.squaredDifference(vgg.features(out), vgg.features(target))), 255 * 255);
}

/**
 * WGAN-GP penalty E[(‖∇ₓ D(x̂)‖₂ − 1)²] on random per-sample interpolates of real and fake.
 * This needs the gradient of a gradient; TF.js computes it exactly here because the critic
 * avoids ops without second-order gradients (see critic.ts), and a unit test checks the
 * result against finite differences.
 */
export function gradientPenalty(critic: PatchCritic, real: tf.Tensor4D, fake: tf.Tensor4D, seed?: number): tf.Scalar {
  const n = real.shape[0];
  const alpha = tf.randomUniform([n, 1, 1, 1], 0, 1, 'float32', seed);
  const mixed = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake)) as tf.Tensor4D;
  const grad = tf.grad((x: tf.Tensor) => tf.sum(critic.apply(x as tf.Tensor4D)))(mixed);
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), [1, 2, 3]), 1e-12));
  return tf.mean(tf.square(tf.sub(norm, 1)));
}

/**
 * Critic loss: E[D(fake)] − E[D(real)] + λ·GP (the critic learns to score real above fake).
 * Pass a `fake` computed outside the gradient function, and the critic's variables as the
 * variable list, so the critic step never moves the generator.
 */
export function criticLoss(critic: PatchCritic, real: tf.Tensor4D, fake: tf.Tensor4D, gpWeight: number, seed?: number): tf.Scalar {
  const wasserstein = tf.sub(tf.mean(critic.apply(fake)), tf.mean(critic.apply(real)));
  return gpWeight > 0 ? tf.add(wasserstein, tf.mul(gpWeight, gradientPenalty(critic, real, fake, seed))) : (wasserstein as tf.Scalar);
}

export interface GeneratorTerms {
  total: tf.Scalar;
  terms: Record<'l1' | 'perceptual' | 'adversarial', tf.Scalar | null>;
}

/** Weighted generator loss; terms with weight 0 (or without their network) are skipped. */
export function generatorLoss(
  out: tf.Tensor4D,
  target: tf.Tensor4D,
  weights: LossWeights,
  nets: { vgg?: VggFeatures | null; critic?: PatchCritic | null },
): GeneratorTerms {
  const l1 = weights.l1 > 0 ? l1Loss(out, target) : null;
  const perceptual = weights.perceptual > 0 && nets.vgg ? perceptualLoss(nets.vgg, out, target) : null;
  const adversarial = weights.adversarial > 0 && nets.critic ? tf.neg(tf.mean(nets.critic.apply(out))) as tf.Scalar : null;
  const parts = [
    l1 && tf.mul(weights.l1, l1),
    perceptual && tf.mul(weights.perceptual, perceptual),
    adversarial && tf.mul(weights.adversarial, adversarial),
  ].filter((t): t is tf.Tensor => t !== null);
  const total = (parts.length ? tf.addN(parts) : tf.scalar(0)) as tf.Scalar;
  return { total, terms: { l1, perceptual, adversarial } };
}
