/**
 * The crop sizes a run started from the app may train on: one rule for the Fine-tune panel, the
 * IPC contract and the engine protocol, so a crop the trainer would refuse is refused before a
 * run starts, in the panel's words. The trainer's own check (model/src/train/run-settings.ts) is
 * the general one: a multiple of the model's size multiple and, with the adversarial loss on, a
 * size its critic's three stride-2 convolutions halve evenly, leaving at least one patch score.
 * The app always trains with the critic on, from models whose size multiple is 4: multiples of 8
 * from 24 px. test/unit/train/training-crop-rule.test.ts walks every size through both rules.
 * The upper bound is the app's, to keep a step within a desktop's memory (the CLI allows more).
 */
export const TRAINING_CROP_RANGE = { min: 24, max: 1024, step: 8 } as const;

/** The rule in the panel's words (completed by "from 24 to 1024."). */
export const TRAINING_CROP_RULE = `The crop size must be a multiple of ${TRAINING_CROP_RANGE.step} px`;
