/**
 * Where the focus lands when what held it goes away, by what just happened, so each case lands
 * in the same place whichever button had it (see focus-handback.ts).
 */

/**
 * A photo just opened, or its result or selection controls went: the photo's first thing to do —
 * the photo itself when a selection tool takes the keys there, else the pressed "part of the
 * photo to fix" button, else Deblur.
 */
export const PHOTO_FIRST = [
  '[data-testid="selection-overlay"][tabindex]',
  '[data-testid="selection-tools"] button[aria-pressed="true"]',
  '[data-testid="deblur-button"]',
] as const;

/** A card of the Fine-tune panel went (a run resumed, discarded; a model removed), or the last of a list. */
export const TRAINING_NEXT = ['[data-testid="training-stop"]', '[data-testid="training-start"]', '[data-testid="training-choose"]'] as const;

/** The batch panel's buttons went (Clear finished batches): another batch's, else the Output panel's Deblur a folder…. */
export const BATCH_NEXT = [
  '[data-testid="batch-cancel"]',
  '[data-testid="batch-resume"]',
  '[data-testid="output-batch-folder"]',
  '[data-testid="choose-batch-folder"]',
] as const;
