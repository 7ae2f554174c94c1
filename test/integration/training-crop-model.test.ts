import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../electron/common/ipc-contract.js';
import { advancedSettings } from '../../renderer/src/lib/advanced-settings.js';
import { installModel } from '../fixtures/broken-models.js';
import { buildTinyGeneratorOnnx } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { followJob, ok, startTestServices } from './worker-helpers.js';

/**
 * A model imported into the library whose sizes go by 12 px (its manifest's size multiple): a
 * crop of 32 px suits the shipped models, not this one, and neither do the trainer's defaults
 * (256 px; 64 without a GPU). Before, the run was queued, loaded TF.js and failed with "Use 24 px
 * or 36 px", a size the panel refuses.
 */
const TAKES = 'The model “twelve” trains on crop sizes that are multiples of 24 px from 24 to 1008; 32 px is not one of them. Use 24 px, or leave the crop size blank.';
const fields = { crop: 32, batch: 1, perceptualWeight: 0, criticWidth: 4, decoderOnly: false };

describe('a fine-tune crop against an imported model’s size multiple', () => {
  it('is refused before the run is queued, by the panel and by main, naming the sizes that model takes; left blank, it fits the model', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-crop-model');
    try {
      await installModel(path.join(userDataDir, 'models'), 'twelve', buildTinyGeneratorOnnx(5), { sizeMultiple: 12 });
      await makeGoproPairsFolder(path.join(workDir, 'pairs'), 1);
      const twelve = ok<{ models: ModelInfo[] }>(await services.dispatch('models:list', {})).models.find((m) => m.id === 'twelve')!;
      expect(twelve.sizeMultiple).toBe(12);
      // The panel's check, with the model the list gave it.
      expect(advancedSettings(fields, twelve)).toEqual({ problem: TAKES, field: 'crop' });
      const request = { baseModelId: 'twelve', source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'My pairs', steps: 1, settings: { crop: 32, batch: 1, perceptualWeight: 0, criticWidth: 4 } };
      expect(await services.dispatch('train:start', request)).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', message: TAKES } });
      expect(ok(await services.dispatch('train:runs', {}))).toEqual({ interrupted: [], underWay: [], stopped: [] });
      // Blank: the trainer's default crop, fitted to the model, trains.
      const { crop: _, ...blank } = request.settings;
      expect(advancedSettings({ ...fields, crop: null }, twelve)).toEqual({ settings: blank });
      const started = ok<{ jobId: string }>(await services.dispatch('train:start', { ...request, settings: blank }));
      const end = (await followJob(services, started.jobId)).at(-1)!;
      expect(end.state).toMatchObject({ status: 'done', model: { modelId: 'my-pairs', steps: 1 } });
    } finally {
      await services.close();
    }
  });
});
