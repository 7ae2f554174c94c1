/**
 * The crop sizes a run started from the app may train on: one rule for the Fine-tune panel, the
 * IPC contract, main (before a run is queued) and the engine protocol, so a crop the trainer
 * would refuse is refused before a run starts, in the panel's words. The trainer's own check
 * (model/src/train/run-settings.ts) is the general one: a multiple of the model's size multiple
 * and, with the adversarial loss on, a size its critic's three stride-2 convolutions halve
 * evenly, leaving at least one patch score: multiples of 8 from 24 px. The app always trains
 * with the critic on, so a model takes the multiples of both 8 and its size multiple from 24 px;
 * test/unit/train/training-crop-rule.test.ts walks every size through both rules. The upper
 * bound is the app's, to keep a step within a desktop's memory (the CLI allows more).
 */
export const TRAINING_CROP_RANGE = { min: 24, max: 1024, step: 8 } as const;

/** The rule in the panel's words (completed by "from 24 to 1024."). */
export const TRAINING_CROP_RULE = `The crop size must be a multiple of ${TRAINING_CROP_RANGE.step} px`;

export interface CropRange {
  min: number;
  max: number;
  step: number;
}

/** What the rule needs to know of a model: its name for the message, its manifest's size multiple. */
export interface CropModel {
  name: string;
  sizeMultiple: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The crops a run from a model with this size multiple trains on; null when none within the
 * app's range does (its sizes go by more than 1024 px).
 */
export function trainingCropRange(sizeMultiple: number): CropRange | null {
  const { min, max, step: criticStep } = TRAINING_CROP_RANGE;
  const step = (criticStep * sizeMultiple) / gcd(criticStep, sizeMultiple);
  const range = { min: Math.ceil(min / step) * step, max: Math.floor(max / step) * step, step };
  return range.min <= range.max ? range : null;
}

/**
 * What is wrong with training `model` on crops of `crop` px (undefined: the run's default, which
 * the engine fits to the model), in plain words with the sizes it takes; null when nothing is.
 */
export function trainingCropProblem(crop: number | undefined, model: CropModel): string | null {
  const range = trainingCropRange(model.sizeMultiple);
  if (!range) {
    return `The model “${model.name}” cannot be fine-tuned in the app: its sizes go by ${model.sizeMultiple} px, and the app trains on crops of at most ${TRAINING_CROP_RANGE.max} px.`;
  }
  if (crop === undefined || (crop >= range.min && crop <= range.max && crop % range.step === 0)) return null;
  // A model whose sizes the app's rule already suits (the shipped ones) gets the rule's words.
  if (range.step === TRAINING_CROP_RANGE.step) return `${TRAINING_CROP_RULE} from ${range.min} to ${range.max}.`;
  const sizes = range.min === range.max ? `only crops of ${range.min} px` : `crop sizes that are multiples of ${range.step} px from ${range.min} to ${range.max}`;
  return `The model “${model.name}” trains on ${sizes}; ${crop} px is not one of them. Use ${fitTrainingCrop(crop, range)} px, or leave the crop size blank.`;
}

/** The crop of `range` nearest to `crop` (the larger of two as near): a run's default, fitted to its model. */
export function fitTrainingCrop(crop: number, range: CropRange): number {
  const below = Math.floor(crop / range.step) * range.step;
  const nearest = crop - below < below + range.step - crop ? below : below + range.step;
  return Math.min(range.max, Math.max(range.min, nearest));
}
