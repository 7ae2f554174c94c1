import { z } from 'zod';
import { errorInfoSchema, jobIdSchema } from './ipc-schemas.js';
import { MODEL_ID_PATTERN, modelIdSchema, modelNameSchema } from './model-id.js';
import { pathSchema } from './path-schema.js';
import { TRAINING_CROP_RANGE, TRAINING_CROP_RULE } from './training-crop.js';
import { namedFew } from './named-few.js';

/**
 * Fine-tuning from the training panel: what a run may be asked (shared by the IPC contract and
 * the engine protocol), what an interrupted run looks like, and what a finished one produced.
 */
export const TRAINING_SOURCES = ['pairs', 'sharp'] as const;

const CROP = TRAINING_CROP_RANGE;
const CROP_RULE = `${TRAINING_CROP_RULE} from ${CROP.min} to ${CROP.max}`;

/** The advanced settings a slow machine needs (smaller crops, a lighter critic); absent: the trainer's defaults. */
export const fineTuneSettingsSchema = z
  .object({
    crop: z.number().int().min(CROP.min, CROP_RULE).max(CROP.max, CROP_RULE).multipleOf(CROP.step, CROP_RULE).optional(),
    batch: z.number().int().min(1).max(64).optional(),
    perceptualWeight: z.number().min(0).max(1000).optional(),
    criticWidth: z.number().int().min(1).max(256).optional(),
    mode: z.enum(['full', 'decoder']).optional(),
    checkpointEvery: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export const newTrainingRunSchema = z
  .object({
    /** A library model: never a file (the command line's --base FILE.onnx is its own). */
    baseModelId: modelIdSchema,
    source: z.enum(TRAINING_SOURCES),
    folder: pathSchema,
    /** The Rename rule: the name is shown on the same one-line cards and menus. */
    name: modelNameSchema,
    steps: z.number().int().min(1).max(1_000_000),
    settings: fineTuneSettingsSchema.optional(),
  })
  .strict();

/** An interrupted run's id is its model id to be (model ids are lower-case ASCII). */
export const trainingRunIdSchema = z.string().regex(MODEL_ID_PATTERN, 'not a training run id');

export const interruptedRunSchema = z.object({
  id: trainingRunIdSchema,
  name: z.string(),
  step: z.number().int().nonnegative(),
  steps: z.number().int().positive().nullable(),
  source: z.enum(TRAINING_SOURCES),
  /** null: recorded by an older version; such a run resumes only from the command line. */
  folder: z.string().nullable(),
  /** The recorded folder is not there (moved or renamed): Locate folder… resumes it from its new place. */
  folderGone: z.boolean(),
  baseModelId: z.string().nullable(),
  /** Its checkpoint cannot be read: it can only be discarded. */
  damaged: z.boolean(),
});

/**
 * How a run stopped from the panel ended once its process had finished: the step of the checkpoint
 * it keeps (null: stopped before its first step, nothing to resume), or the error it ended with
 * instead (a checkpoint that could not be written). The job itself reads 'cancelled' at once.
 */
export const stoppedRunSchema = z
  .object({
    jobId: jobIdSchema,
    runId: trainingRunIdSchema,
    kept: z.number().int().nonnegative().nullable(),
    error: errorInfoSchema.optional(),
    // Stopped too late: the run had already saved its model (this name), which is in the library.
    saved: z.string().optional(),
  })
  .strict();

/**
 * What a finished run left out of its folder (photos it could not use, files without a partner):
 * how many of how many, and the first few with why, so the finished card still says it.
 */
export const skippedSchema = z
  .object({
    count: z.number().int().positive(),
    of: z.number().int().positive(),
    unit: z.enum(['pairs', 'photos']),
    listed: z.array(z.string()).max(5),
  })
  .strict();
export type SkippedFiles = z.infer<typeof skippedSchema>;

// Infinity: held-out blurred crops identical to their sharp ones (zod 4's number refuses it).
const scoresSchema = z.object({ psnr: z.union([z.number(), z.literal(Infinity)]), ssim: z.number() });

/**
 * What a finished training job made: the new model and its scores, with whether they were
 * measured on held-out photos (false: on its training photos, when there was one scene only).
 */
export const trainedModelSchema = z
  .object({
    modelId: z.string(),
    name: z.string(),
    backend: z.string(),
    steps: z.number().int().nonnegative(),
    scores: z.object({ input: scoresSchema, base: scoresSchema, fineTuned: scoresSchema, heldOut: z.boolean() }),
    skipped: skippedSchema.optional(),
  })
  .strict();

/** "4 of 7 pairs skipped: c: …; blur/d.png: no sharp/d.* to pair with; and 1 more (all in training.json)." */
export function skippedText({ count, of, unit, listed }: SkippedFiles): string {
  return `${count} of ${of} ${unit} skipped: ${namedFew(listed, listed.length, { separator: '; ', beforeMore: '; and ', total: count })} (all in the model's training.json).`;
}

/** The photos a run's scores were measured on, for a sentence ("… on the held-out photos"). */
export function scoredOn(heldOut: boolean): string {
  return heldOut ? 'the held-out photos' : 'the training photos themselves';
}

/**
 * Said wherever a run's scores are shown when they come from its training photos (one pair, one
 * scene): a model that only memorises them gains there too, so a gain proves nothing.
 */
export const NOT_A_FAIR_TEST = 'not a fair test, since a model that memorises its training photos scores well on them; add photos of other scenes for a held-out score';

/** Held-out PSNR differences smaller than this (dB) are the noise of a few crops, not a change. */
export const SCORE_TIE_DB = 0.05;

type VerdictScores = Pick<TrainedModel['scores'], 'base' | 'fineTuned'> & Partial<Pick<TrainedModel['scores'], 'input'>>;

/** Whether a fine-tuned model scores below the blurred photos themselves: worse than not deblurring. */
export function belowBlurred(scores: VerdictScores): boolean {
  return scores.input !== undefined && !sameAsSharp(scores.input.psnr) && scores.fineTuned.psnr - scores.input.psnr <= -SCORE_TIE_DB;
}

/** A PSNR of identical pixels: Infinity, or null once written to JSON (training.json), which has no infinity. */
function sameAsSharp(psnr: number | null): boolean {
  return psnr === null || psnr === Infinity;
}

/** A held-out PSNR for people: "36.94 dB", and words where the number would read "Infinity" or "null". */
export function psnrText(psnr: number | null): string {
  if (sameAsSharp(psnr)) return 'identical to the sharp photos';
  return Number.isNaN(psnr) ? 'not a number' : `${psnr!.toFixed(2)} dB`;
}

/**
 * Whether a fine-tuned model's scores are not numbers: it output NaN, so every photo it deblurs
 * would come out black. (Every comparison with NaN is false: this read as 'unchanged'.) The
 * trainer refuses to save such a model; this covers scores recorded before it did.
 */
export function unusableModel(scores: VerdictScores): boolean {
  return Number.isNaN(scores.fineTuned.psnr) || Number.isNaN(scores.fineTuned.ssim);
}

/**
 * Whether a fine-tuned model beats the model it started from on the held-out photos; one below
 * the blurred photos is 'worse' whatever its starting model did, since using it does harm, and so
 * is one whose output is not numbers. A usable model beats a starting model whose output is not.
 */
export function fineTuneVerdict(scores: VerdictScores): 'better' | 'unchanged' | 'worse' {
  if (unusableModel(scores) || belowBlurred(scores)) return 'worse';
  if (Number.isNaN(scores.base.psnr)) return 'better';
  const gain = scores.fineTuned.psnr - scores.base.psnr;
  return gain >= SCORE_TIE_DB ? 'better' : gain <= -SCORE_TIE_DB ? 'worse' : 'unchanged';
}

/**
 * What to tell the photographer about a fine-tuned model that is not better, or whose scores
 * were measured on its training photos (a gain there is no evidence); null otherwise. `inUse`:
 * the user chose it (Use) all the same, so the advice says so instead of "the model in use stays
 * as it is", which the card's "Now the model in use." would contradict.
 */
export function fineTuneAdvice(scores: VerdictScores & { heldOut: boolean }, inUse = false): string | null {
  const advice = verdictAdvice(scores, scoredOn(scores.heldOut), inUse ? IN_USE_ANYWAY : STAYS);
  // Identical photos already say the scores show nothing; the memorising caveat would not follow.
  if (scores.heldOut || (scores.input !== undefined && sameAsSharp(scores.input.psnr))) return advice;
  // The advice already names the photos; on its own the caveat must.
  return advice ? `${advice} That is ${NOT_A_FAIR_TEST}.` : `These scores are measured on the training photos themselves: ${NOT_A_FAIR_TEST}.`;
}

const STAYS = 'the model in use stays as it is';
const IN_USE_ANYWAY = 'it is the model in use now all the same: choose another in the Model menu to go back';

/** `then`: what became of the model in use (kept, or replaced by this one at the user's Use). */
function verdictAdvice(scores: VerdictScores, on: string, then: string): string | null {
  if (unusableModel(scores)) {
    return `It produces invalid values (not numbers) on ${on}, so it would turn photos black. Train again, on other photos or for fewer steps; ${then}.`;
  }
  if (scores.input !== undefined && sameAsSharp(scores.input.psnr)) {
    const which = on === scoredOn(true) ? 'The held-out blurred photos' : `The blurred photos it was measured on (${on})`;
    return `${which} are identical to their sharp ones, so these scores cannot show whether it removes blur. Train on pairs whose blurred photo is really shaken; ${then}.`;
  }
  if (belowBlurred(scores)) {
    return `It scores lower than the blurred photos themselves on ${on}, so it would leave photos less sharp than not deblurring them. Check that each pair shows the same framing, then train for more steps or on more photos; ${then}.`;
  }
  switch (fineTuneVerdict(scores)) {
    case 'worse':
      return `It scores lower than the model it started from on ${on}, so it would leave photos less sharp. Train for more steps or on more photos; ${then}.`;
    case 'unchanged':
      return `It scores about the same as the model it started from on ${on}: more steps or more photos may help.`;
    case 'better':
      return null;
  }
}

/** The stage once the last step is done: the model is measured and written, which cannot be stopped half-way. */
export const FINAL_TRAINING_STAGE = 'Measuring and saving the new model';

export type TrainingSource = (typeof TRAINING_SOURCES)[number];
export type FineTuneSettings = z.infer<typeof fineTuneSettingsSchema>;
export type NewTrainingRun = z.infer<typeof newTrainingRunSchema>;
export type InterruptedRunInfo = z.infer<typeof interruptedRunSchema>;
export type StoppedRun = z.infer<typeof stoppedRunSchema>;
export type TrainedModel = z.infer<typeof trainedModelSchema>;
