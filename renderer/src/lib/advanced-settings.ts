import { TRAINING_CROP_RANGE, TRAINING_CROP_RULE, type FineTuneSettings } from '../../../electron/common/index.js';

/** The Fine-tune panel's advanced fields as typed (number inputs bind numbers; blank is null): blank keeps the trainer's default. */
export type AdvancedFields = Record<'crop' | 'batch' | 'perceptualWeight' | 'criticWidth', number | null | undefined> & { decoderOnly: boolean };

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

/** The settings typed, or what is wrong with the first one that a run would refuse (main checks again). */
export function advancedSettings(a: AdvancedFields): { settings: FineTuneSettings | null } | { problem: string } {
  const given: Record<string, number | string> = {};
  for (const [key, { min, max, step, what }] of Object.entries(ADVANCED_RANGES) as [keyof typeof ADVANCED_RANGES, (typeof ADVANCED_RANGES)[keyof typeof ADVANCED_RANGES]][]) {
    const value = a[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (value < min || value > max || (step > 0 && value % step !== 0)) return { problem: `${what} from ${min} to ${max}.` };
    given[key] = value;
  }
  if (a.decoderOnly) given.mode = 'decoder';
  return { settings: Object.keys(given).length ? (given as FineTuneSettings) : null };
}
