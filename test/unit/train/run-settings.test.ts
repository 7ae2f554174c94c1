import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../../model/src/models/manifest.js';
import { runSettings } from '../../../model/src/train/run-settings.js';
import type { RunState } from '../../../model/src/train/train-run.js';
import type { TrainOptions } from '../../../model/src/train/trainer.js';

/** What a resumed run keeps of the settings its checkpoint recorded. */
const baseManifest = modelManifestSchema.parse(JSON.parse(readFileSync(path.resolve('model/weights/placeholder.manifest.json'), 'utf8')));
const options = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  baseOnnxPath: 'model.onnx', baseManifest, pairsDir: '/pairs', modelsDir: '/models', outId: 'run', crop: 32, ...extra,
});
const saved = (extra: Partial<RunState> = {}) =>
  ({ step: 3, rng: 1, baseSha256: 'x', outId: 'run', train: [], validation: [], baseline: { input: { psnr: 1, ssim: 1 }, base: { psnr: 1, ssim: 1 } }, ...extra }) as RunState;

describe('runSettings: the checkpoint interval', () => {
  it('a resumed run keeps the interval it recorded when none is given', () => {
    expect(runSettings(options({ resume: true }), saved({ checkpointEvery: 2 })).checkpointEvery).toBe(2);
  });

  it('an explicit interval on resume replaces it (the weights do not depend on it)', () => {
    expect(runSettings(options({ resume: true, checkpointEvery: 5 }), saved({ checkpointEvery: 2 })).checkpointEvery).toBe(5);
  });

  it('a new run takes the one given, else 100; a checkpoint from before it was recorded takes the default too', () => {
    expect(runSettings(options({ checkpointEvery: 7 }), undefined).checkpointEvery).toBe(7);
    expect(runSettings(options(), undefined).checkpointEvery).toBe(100);
    expect(runSettings(options({ resume: true }), saved()).checkpointEvery).toBe(100);
    // The app's resume names its own default for runs that recorded none.
    expect(runSettings(options({ resume: true, defaultCheckpointEvery: 25 }), saved()).checkpointEvery).toBe(25);
  });
});
