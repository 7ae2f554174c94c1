import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { buildBrokenModelOnnx, installModel, type BrokenKind } from '../fixtures/broken-models.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';

/**
 * A starting model that gives NaN or another size than its input is refused before the first
 * step, naming it; a run whose model turns to NaN is not saved as "about the same" (review of
 * 2026-12-07: a NaN base fine-tuned to NaN was saved, and a half-size base ended in an internal
 * "metrics: arrays differ in length").
 */
let work: string;
let o: Omit<TrainOptions, 'outId' | 'modelsDir' | 'baseOnnxPath' | 'baseManifest'>;

beforeAll(async () => {
  await loadBestBackend({ candidates: ['cpu'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-unusable-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  o = { pairsDir: path.join(work, 'pairs'), steps: 2, crop: 32, batch: 1, weights: { perceptual: 0, adversarial: 0 }, validationCrop: 32 };
});
afterAll(() => rm(work, { recursive: true, force: true }));

const trainFrom = async (kind: BrokenKind, modelsDir: string) => {
  const { manifest, onnxPath } = await installModel(path.join(work, 'bases'), kind, buildBrokenModelOnnx(kind));
  const events: TrainEvent[] = [];
  const error = await trainModel({ ...o, baseOnnxPath: onnxPath, baseManifest: manifest, modelsDir, outId: `from-${kind}`, onEvent: (e) => events.push(e) }).then(
    () => null,
    (e: unknown) => e,
  );
  return { error, events };
};

describe('fine-tuning from a model that gives no usable image', () => {
  it('NaN output: refused before the first step, naming the model; nothing is left in the models folder', async () => {
    const modelsDir = path.join(work, 'm-nan');
    const { error, events } = await trainFrom('nan-weights', modelsDir);
    expect(error).toMatchObject({
      code: 'MODEL_INVALID',
      message: 'The model "nan-weights" produces invalid values (not numbers) instead of an image on the held-out photos, so it cannot be fine-tuned. Start from the base model, or remove this one.',
    });
    expect(events.some((e) => e.type === 'step')).toBe(false);
    expect(await readdir(modelsDir).catch(() => [])).not.toContain('from-nan-weights');
  });

  it('an output of half the size: says so, instead of an internal error from the metrics', async () => {
    const { error } = await trainFrom('half-size', path.join(work, 'm-half'));
    expect(error).toMatchObject({
      code: 'MODEL_INVALID',
      message: 'The model "half-size" returns a 16×16 image for a 32×32 crop; Unshake needs a model whose output is the same size as its input, with its 3 colour channels.',
    });
  });
});

describe('a run whose model turns to NaN', () => {
  it('is not saved, and says what went wrong', async () => {
    const modelsDir = path.join(work, 'm-diverged');
    const manifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
    // A learning rate near float32's limit makes Adam's first step overflow the weights.
    const error = await trainModel({ ...o, baseOnnxPath: await writeTinyGenerator(work, 4), baseManifest: manifest, learningRate: 1e38, modelsDir, outId: 'diverged' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'MODEL_INVALID',
      message: 'Training went wrong: at step 2 the fine-tuned model produces invalid values (not numbers) on the held-out photos, so it was not saved. Train again, on other photos or for fewer steps; the model in use stays as it is.',
    });
    expect(await readdir(modelsDir).catch(() => [])).not.toContain('diverged');
    expect(await readdir(path.join(modelsDir, '.training')).catch(() => [])).toEqual([]);
  });
});
