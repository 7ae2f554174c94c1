import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fineTuneSettingsSchema } from '../../../electron/common/training.js';
import { fitTrainingCrop, TRAINING_CROP_RANGE, trainingCropProblem, trainingCropRange } from '../../../electron/common/training-crop.js';
import { modelManifestSchema } from '../../../model/src/models/manifest.js';
import { CPU_BOUND_CROP } from '../../../model/src/train/fine-tune.js';
import { DEFAULT_LOSS_WEIGHTS } from '../../../model/src/train/losses.js';
import { DEFAULT_CROP, runSettings } from '../../../model/src/train/run-settings.js';
import { advancedSettings } from '../../../renderer/src/lib/advanced-settings.js';

/**
 * The app's crop rule (electron/common/training-crop.ts) against the trainer's own check: every
 * size the panel and the IPC contract take, a run from a shipped model with the app's losses
 * trains on, and every size up to the app's largest that such a run trains on, they take.
 */
const weightsDir = path.resolve('model/weights');
const shipped = readdirSync(weightsDir)
  .filter((f) => f.endsWith('.manifest.json'))
  .map((f) => modelManifestSchema.parse(JSON.parse(readFileSync(path.join(weightsDir, f), 'utf8'))));

/** Whether the trainer takes the crop, with the settings a run from the panel has (fine-tune.ts newRun). */
function trainerTakes(manifest: (typeof shipped)[number], crop: number): boolean {
  try {
    runSettings({ baseOnnxPath: 'model.onnx', baseManifest: manifest, pairsDir: '/pairs', modelsDir: '/models', outId: 'x', steps: 10, crop, weights: { perceptual: 0 } }, undefined);
    return true;
  } catch {
    return false;
  }
}

const panelTakes = (crop: number | null, model?: { name: string; sizeMultiple: number }) =>
  !('problem' in advancedSettings({ crop, batch: null, perceptualWeight: null, criticWidth: null, decoderOnly: false }, model));
const mainTakes = (crop: number) => fineTuneSettingsSchema.safeParse({ crop }).success;

describe('the training crop rule', () => {
  it('is the app’s: the adversarial loss is on', () => {
    expect(DEFAULT_LOSS_WEIGHTS.adversarial).toBeGreaterThan(0);
    expect(shipped.map((m) => m.id)).toEqual(expect.arrayContaining(['unshake-base', 'placeholder']));
  });

  it.each(shipped.map((m) => [m.id, m] as const))('takes exactly the crops the trainer takes from %s, up to the app’s largest', (_id, manifest) => {
    const disagree: string[] = [];
    for (let crop = 1; crop <= 2 * TRAINING_CROP_RANGE.max; crop++) {
      const trainer = trainerTakes(manifest, crop) && crop <= TRAINING_CROP_RANGE.max;
      if (mainTakes(crop) !== trainer || panelTakes(crop) !== trainer) disagree.push(`${crop} px: trainer ${trainer}, main ${mainTakes(crop)}, panel ${panelTakes(crop)}`);
    }
    expect(disagree.slice(0, 5)).toEqual([]);
    // The crops a run picks when none is given.
    for (const crop of [DEFAULT_CROP, CPU_BOUND_CROP]) expect(mainTakes(crop), `${crop} px`).toBe(true);
  });

  // An imported model's manifest may say another size multiple (12, 16, 2048…): the panel and main
  // check the crop against that model's rule, which must be the trainer's too.
  it.each([1, 2, 3, 5, 6, 8, 12, 16, 20, 24, 32, 48, 520, 2048])('takes exactly the crops the trainer takes from a model whose sizes go by %i px', (sizeMultiple) => {
    const manifest = { ...shipped[0]!, io: { ...shipped[0]!.io, sizeMultiple } };
    const model = { name: 'Imported', sizeMultiple };
    const disagree: string[] = [];
    for (let crop = 1; crop <= 2 * TRAINING_CROP_RANGE.max; crop++) {
      const trainer = trainerTakes(manifest, crop) && crop <= TRAINING_CROP_RANGE.max;
      const app = trainingCropProblem(crop, model) === null && panelTakes(crop, model);
      if (app !== trainer) disagree.push(`${crop} px: trainer ${trainer}, app ${app}`);
    }
    expect(disagree.slice(0, 5)).toEqual([]);
    // A run with no crop given trains on the default fitted to the model, which the trainer takes.
    const range = trainingCropRange(sizeMultiple);
    if (range === null) {
      expect(trainingCropProblem(undefined, model)).toMatch(/^The model “Imported” cannot be fine-tuned in the app: its sizes go by \d+ px/);
      expect(panelTakes(null, model)).toBe(false);
    } else {
      for (const crop of [DEFAULT_CROP, CPU_BOUND_CROP]) expect(trainerTakes(manifest, fitTrainingCrop(crop, range)), `${crop} px`).toBe(true);
    }
  });

  // `--crop 30` once suggested 28, which the critic then refused: every size a refusal offers must train.
  it.each([1, 3, 4, 6, 8, 12, 16])('suggests only crops the trainer takes, with and without the critic, from a model whose sizes go by %i px', (sizeMultiple) => {
    const baseManifest = { ...shipped[0]!, io: { ...shipped[0]!.io, sizeMultiple } };
    const settings = (crop: number, adversarial: number) => () =>
      runSettings({ baseOnnxPath: 'model.onnx', baseManifest, pairsDir: '/pairs', modelsDir: '/models', outId: 'x', steps: 10, crop, weights: { perceptual: 0, adversarial } }, undefined);
    const refusedSuggestions: string[] = [];
    for (const adversarial of [0, 1]) {
      for (let crop = 1; crop <= 200; crop++) {
        let message: string;
        try {
          settings(crop, adversarial)();
          continue;
        } catch (error) {
          message = (error as Error).message;
        }
        const offered = [...message.matchAll(/--crop (\d+)/g)].map((m) => Number(m[1])).filter((c) => c !== crop);
        expect(offered.length, message).toBeGreaterThan(0);
        for (const c of offered) {
          try {
            settings(c, adversarial)();
          } catch {
            refusedSuggestions.push(`--adversarial ${adversarial} --crop ${crop} suggests ${c}, which is refused`);
          }
        }
      }
    }
    expect(refusedSuggestions.slice(0, 5)).toEqual([]);
  });

  it('says what the panel takes, in its words', () => {
    expect(advancedSettings({ crop: 36, batch: null, perceptualWeight: null, criticWidth: null, decoderOnly: false })).toEqual({
      problem: 'The crop size must be a multiple of 8 px from 24 to 1024.',
      field: 'crop',
    });
  });
});
