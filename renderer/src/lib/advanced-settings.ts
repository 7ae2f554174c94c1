import { TRAINING_CROP_RANGE, TRAINING_CROP_RULE, trainingCropProblem, trainingCropRange, type CropModel, type FineTuneSettings } from '../../../electron/common/index.js';

/** The Fine-tune panel's advanced fields as typed (number inputs bind numbers; blank is null): blank keeps the trainer's default. */
export type AdvancedFields = Record<'crop' | 'batch' | 'perceptualWeight' | 'criticWidth', number | null | undefined> & { decoderOnly: boolean };

/** An Advanced field that holds a number (the panel says a refused one's problem at it). */
export type AdvancedKey = keyof typeof ADVANCED_RANGES;

/**
 * What the Advanced fields may hold (step 0: any number), in the words of the panel; the inputs
 * take their min, max and step from here too, so their arrows step over what a run would refuse.
 */
export const ADVANCED_RANGES = {
  // The trainer's rule for the app's crops, shared with main (electron/common/training-crop.ts).
  crop: { ...TRAINING_CROP_RANGE, what: TRAINING_CROP_RULE },
  batch: { min: 1, max: 64, step: 1, what: 'The batch must be a whole number' },
  perceptualWeight: { min: 0, max: 1000, step: 0, what: 'The perceptual loss weight must be a number' },
  criticWidth: { min: 1, max: 256, step: 1, what: 'The critic width must be a whole number' },
} as const;

/** The input's range for a field: the crop's is the chosen model's (an imported one's sizes may go by 12 px). */
export function fieldRange(key: AdvancedKey, model: CropModel | undefined): { min: number; max: number; step: number } {
  return (key === 'crop' && model && trainingCropRange(model.sizeMultiple)) || ADVANCED_RANGES[key];
}

/**
 * The settings typed, or what is wrong with the first one that a run would refuse (main checks
 * again); `model`, the model the run starts from, for the crop sizes it takes.
 */
export function advancedSettings(a: AdvancedFields, model?: CropModel): { settings: FineTuneSettings | null } | { problem: string; field: AdvancedKey } {
  const given: Record<string, number | string> = {};
  for (const [key, { min, max, step, what }] of Object.entries(ADVANCED_RANGES) as [keyof typeof ADVANCED_RANGES, (typeof ADVANCED_RANGES)[keyof typeof ADVANCED_RANGES]][]) {
    const value = a[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    // The model's own rule says which crops it takes (a subset of the app's); without one, the app's.
    const cropProblem = key === 'crop' && model ? trainingCropProblem(value, model) : null;
    if (cropProblem) return { problem: cropProblem, field: key };
    if (value < min || value > max || (step > 0 && value % step !== 0)) return { problem: `${what} from ${min} to ${max}.`, field: key };
    given[key] = value;
  }
  // Blank: refused only for a model with no crop the app trains on.
  const blankProblem = model && given.crop === undefined ? trainingCropProblem(undefined, model) : null;
  if (blankProblem) return { problem: blankProblem, field: 'crop' };
  if (a.decoderOnly) given.mode = 'decoder';
  return { settings: Object.keys(given).length ? (given as FineTuneSettings) : null };
}
