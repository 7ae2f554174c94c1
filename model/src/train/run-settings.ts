import path from 'node:path';
import { criticOutputSize } from './critic.js';
import { DEFAULT_LOSS_WEIGHTS, type LossWeights } from './losses.js';
import { DEFAULT_MILD_SHARE, defaultSynthesisSpecPath } from './synth/synthesis-spec.js';
import type { RunState, TrainMode } from './train-run.js';
import type { TrainOptions } from './trainer.js';
import { UsageError } from './usage-error.js';

/**
 * The settings a run trains with. A resumed run keeps those it started with (its weights, its
 * crop stream and its baseline scores depend on them): an absent flag takes the recorded value
 * and an explicit different one is refused. The total number of steps is the exception: the
 * weights do not depend on it, so an explicit --steps extends or shortens the run; so does the
 * checkpoint interval (an explicit --checkpoint-every replaces the recorded one). Checkpoints
 * from before a setting was recorded take what is passed, as before.
 */
export interface RunSettings {
  mode: TrainMode;
  crop: number;
  criticWidth: number;
  batch: number;
  steps: number;
  learningRate: number;
  weights: LossWeights;
  validationCrop: number;
  /** Steps between interval checkpoints (a stop saves one too). */
  checkpointEvery: number;
  /** Sharp-only runs: the mild-shake share and the synthetic-shake spec file. */
  mildShare?: number;
  synthesisSpec?: string;
}

export const DEFAULT_STEPS = 1000;
export const DEFAULT_CROP = 256;
export const DEFAULT_CHECKPOINT_EVERY = 100;

const WEIGHT_FLAGS: Record<keyof LossWeights, string> = { l1: 'l1', perceptual: 'perceptual', adversarial: 'adversarial', gradientPenalty: 'gradient-penalty' };

export function runSettings(o: TrainOptions, saved: RunState | undefined): RunSettings {
  const pick = <T extends string | number>(flag: string, given: T | undefined, kept: T | undefined, fallback: T): T => {
    if (given !== undefined && kept !== undefined && given !== kept) {
      throw new UsageError(
        `The interrupted run "${o.outId}" was started with --${flag} ${kept} and cannot continue with --${flag} ${given}. ` +
          `Resume it without --${flag} (it keeps ${kept}), or start a new run under another --out name.`,
      );
    }
    return given ?? kept ?? fallback;
  };
  const weights = Object.fromEntries(
    (Object.keys(WEIGHT_FLAGS) as (keyof LossWeights)[]).map((k) => [k, pick(WEIGHT_FLAGS[k], o.weights?.[k], saved?.weights?.[k], DEFAULT_LOSS_WEIGHTS[k])]),
  ) as unknown as LossWeights;
  const settings: RunSettings = {
    mode: pick('mode', o.mode, saved?.mode, 'full'),
    crop: pick('crop', o.crop, saved?.crop, DEFAULT_CROP),
    criticWidth: pick('critic-width', o.criticWidth, saved?.criticWidth, o.defaultCriticWidth ?? 64),
    batch: pick('batch', o.batch, saved?.batch, 4),
    steps: o.steps ?? saved?.steps ?? DEFAULT_STEPS,
    learningRate: pick('lr', o.learningRate, saved?.learningRate, 1e-4),
    weights,
    validationCrop: pick('val-crop', o.validationCrop, saved?.validationCrop, 256),
    checkpointEvery: o.checkpointEvery ?? saved?.checkpointEvery ?? o.defaultCheckpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
  };
  if (o.sharpDir !== undefined) {
    settings.mildShare = pick('mild-share', o.mildShare, saved?.mildShare, DEFAULT_MILD_SHARE);
    const spec = o.synthesisSpecPath === undefined ? undefined : path.resolve(o.synthesisSpecPath);
    settings.synthesisSpec = pick('synth-spec', spec, saved?.synthesisSpec, defaultSynthesisSpecPath());
  }
  checkCrop(o, settings);
  return settings;
}

/**
 * The crop must suit the model's size multiple and, with the adversarial loss, the critic. Each
 * refusal suggests only sizes that pass every rule that applies, so a suggestion is never refused.
 */
function checkCrop(o: TrainOptions, s: RunSettings): void {
  const m = o.baseManifest.io.sizeMultiple;
  const critic = s.weights.adversarial > 0;
  const fits = (c: number) => c % m === 0 && (!critic || criticOutputSize(c) > 0);
  if (s.crop % m !== 0) {
    const suggested = nearest(s.crop, fits);
    const ofModel = nearest(s.crop, (c) => c % m === 0);
    // 28 is a multiple of 4 but not a size the critic takes: say why it is not offered.
    const why = suggested.below !== ofModel.below || suggested.above !== ofModel.above ? ' (the nearest that the critic of the adversarial loss also takes)' : '';
    throw new UsageError(`Training crops for the model "${o.baseManifest.id}" must be a multiple of ${m} px; ${s.crop} is not. Use ${suggest(suggested)}${why}.`);
  }
  if (critic && criticOutputSize(s.crop) === 0) {
    const smallest = nearest(0, fits).above!;
    // The sizes that fit are evenly spaced from the smallest: name the spacing, so the rule is said once (8 px for the app's models).
    const spacing = nearest(smallest, fits).above! - smallest;
    const why = s.crop < smallest
      ? `is too small for the adversarial loss: its critic needs crops of at least ${smallest} px`
      : `does not fit the critic of the adversarial loss, which takes multiples of ${spacing} px from ${smallest}`;
    throw new UsageError(`--crop ${s.crop} ${why}. Use ${suggest(nearest(s.crop, fits))}, or train without the critic: --adversarial 0.`);
  }
}

/** The closest sizes below and above crop (exclusive) that pass ok. */
function nearest(crop: number, ok: (c: number) => boolean): { below?: number; above?: number } {
  let below: number | undefined;
  for (let c = crop - 1; c > 0 && below === undefined; c--) if (ok(c)) below = c;
  let above = crop + 1;
  while (!ok(above)) above++;
  return { below, above };
}

function suggest({ below, above }: { below?: number; above?: number }): string {
  return [below, above].filter((c) => c !== undefined).map((c) => `--crop ${c}`).join(' or ');
}
