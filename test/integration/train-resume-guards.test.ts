import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';

/**
 * What a resume (or a new run under a taken name) refuses before any data is prepared: a
 * changed mode / crop / critic width / batch / loss weight / learning rate / held-out crop, a
 * crop the model or the critic cannot take, a damaged checkpoint.
 */
let work: string;
let base: Omit<TrainOptions, 'outId' | 'modelsDir'>;

beforeAll(async () => {
  await loadBestBackend({ candidates: ['cpu'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-guards-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
  base = {
    baseOnnxPath: await writeTinyGenerator(work, 4),
    baseManifest: { ...manifest, id: 'tiny', name: 'Tiny test generator' },
    pairsDir: path.join(work, 'pairs'),
    steps: 3,
    crop: 32,
    batch: 1,
    weights: { perceptual: 0, adversarial: 1 },
    criticWidth: 4,
    validationCrop: 32,
  };
});

/** Start a run and cancel it after its first step, leaving a checkpoint at step 1. */
async function interrupted(o: TrainOptions): Promise<void> {
  const controller = new AbortController();
  const onEvent = (e: TrainEvent) => e.type === 'step' && controller.abort();
  await expect(trainModel({ ...o, signal: controller.signal, onEvent })).rejects.toMatchObject({ code: 'CANCELLED' });
}

/** Run o expecting a refusal before data preparation (no events at all). */
async function refused(o: TrainOptions, code: string, message: RegExp): Promise<string> {
  const events: TrainEvent[] = [];
  const error = await trainModel({ ...o, onEvent: (e) => events.push(e) }).then(() => null, (e: unknown) => e as Error & { code: string });
  expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  expect(events).toEqual([]);
  return error!.message;
}

describe('resuming a run', () => {
  it('keeps the mode, crop and critic width it started with, and refuses different explicit ones clearly', async () => {
    const o: TrainOptions = { ...base, modelsDir: path.join(work, 'm-settings'), outId: 'dec', mode: 'decoder' };
    await interrupted(o);
    await refused({ ...o, mode: 'full', resume: true }, 'INVALID_REQUEST', /^The interrupted run "dec" was started with --mode decoder and cannot continue with --mode full\. Resume it without --mode/);
    await refused({ ...o, crop: 48, resume: true }, 'INVALID_REQUEST', /started with --crop 32 and cannot continue with --crop 48/);
    await refused({ ...o, criticWidth: 8, resume: true }, 'INVALID_REQUEST', /started with --critic-width 4 and cannot continue with --critic-width 8/);

    const events: TrainEvent[] = [];
    const { summary } = await trainModel({ ...o, mode: undefined, crop: undefined, criticWidth: undefined, resume: true, onEvent: (e) => events.push(e) });
    expect(events.find((e) => e.type === 'resumed')).toMatchObject({ type: 'resumed', step: 1, mode: 'decoder', crop: 32, criticWidth: 4 });
    expect(summary).toMatchObject({ mode: 'decoder', crop: 32, steps: 3 });
  });

  it('keeps its batch, loss weights, learning rate and held-out crop, refuses different explicit ones, and takes a new --steps', async () => {
    const o: TrainOptions = {
      ...base, modelsDir: path.join(work, 'm-kept'), outId: 'kept', batch: 2, learningRate: 1e-3, weights: { l1: 50, perceptual: 0, adversarial: 0 }, validationCrop: 48, steps: 5,
    };
    await interrupted(o);
    await refused({ ...o, batch: 4, resume: true }, 'INVALID_REQUEST', /^The interrupted run "kept" was started with --batch 2 and cannot continue with --batch 4\. Resume it without --batch/);
    await refused({ ...o, learningRate: 1e-4, resume: true }, 'INVALID_REQUEST', /started with --lr 0\.001 and cannot continue with --lr 0\.0001/);
    await refused({ ...o, weights: { adversarial: 1 }, resume: true }, 'INVALID_REQUEST', /started with --adversarial 0 and cannot continue with --adversarial 1/);
    await refused({ ...o, weights: { l1: 100 }, resume: true }, 'INVALID_REQUEST', /started with --l1 50 and cannot continue with --l1 100/);
    await refused({ ...o, validationCrop: 256, resume: true }, 'INVALID_REQUEST', /started with --val-crop 48 and cannot continue with --val-crop 256/);

    // As `--resume` alone passes them: none of these flags. --steps may change (3 of the 5).
    const events: TrainEvent[] = [];
    const resumed = { ...o, batch: undefined, learningRate: undefined, weights: undefined, validationCrop: undefined, steps: 3, resume: true };
    const { summary } = await trainModel({ ...resumed, onEvent: (e) => events.push(e) });
    expect(events.find((e) => e.type === 'resumed')).toMatchObject({
      step: 1, batch: 2, steps: 3, learningRate: 1e-3, validationCrop: 48, weights: { l1: 50, perceptual: 0, adversarial: 0, gradientPenalty: 10 },
    });
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.map((e) => [e.step, e.total])).toEqual([[2, 3], [3, 3]]);
    // No critic came back: the light loss stayed light.
    expect(steps.every((e) => !('critic' in e.losses) && !('adversarial' in e.losses))).toBe(true);
    expect(summary).toMatchObject({ batch: 2, steps: 3, learningRate: 1e-3, lossWeights: { l1: 50, perceptual: 0, adversarial: 0 }, validation: { crop: 48 } });
  });

  it('resumes a checkpoint from before these settings were recorded with what is passed, as before', async () => {
    const o: TrainOptions = { ...base, modelsDir: path.join(work, 'm-old'), outId: 'old' };
    await interrupted(o);
    const file = path.join(runDirFor(o.modelsDir, 'old'), 'checkpoint.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as { state: Record<string, unknown> };
    for (const key of ['mode', 'crop', 'criticWidth', 'outName', 'batch', 'steps', 'learningRate', 'weights', 'validationCrop']) delete json.state[key];
    await writeFile(file, JSON.stringify(json));
    const { summary } = await trainModel({ ...o, resume: true });
    expect(summary).toMatchObject({ mode: 'full', crop: 32, steps: 3 });
  });
});

describe('the crop size', () => {
  it('is checked against the model size multiple before any data is prepared', async () => {
    const o: TrainOptions = { ...base, modelsDir: path.join(work, 'm-crop'), outId: 'c' };
    // With the critic on, 28 is a multiple of 4 it would refuse: only sizes passing every rule are offered.
    const message = await refused({ ...o, crop: 30 }, 'INVALID_REQUEST', /multiple of 4 px; 30 is not\. Use --crop 24 or --crop 32 \(the nearest that the critic of the adversarial loss also takes\)\.$/);
    expect(message).toContain('"tiny"');
    await refused({ ...o, crop: 2 }, 'INVALID_REQUEST', /Use --crop 24 \(the nearest that the critic of the adversarial loss also takes\)\.$/);
    const noCritic = { ...o, weights: { perceptual: 0, adversarial: 0 } };
    await refused({ ...noCritic, crop: 30 }, 'INVALID_REQUEST', /multiple of 4 px; 30 is not\. Use --crop 28 or --crop 32\.$/);
    await refused({ ...noCritic, crop: 2 }, 'INVALID_REQUEST', /Use --crop 4\.$/);
    await expect(stat(path.join(work, 'm-crop'))).rejects.toThrow();
  });
});

describe('the crop size with the adversarial loss', () => {
  it('is refused below what the critic can score, naming the smallest crop that works, before any data is prepared', async () => {
    const o: TrainOptions = { ...base, modelsDir: path.join(work, 'm-critic'), outId: 'c' };
    const smallest = 'Use --crop 24, or train without the critic: --adversarial 0.';
    expect(await refused({ ...o, crop: 16 }, 'INVALID_REQUEST', /^--crop 16 is too small for the adversarial loss: its critic needs crops of at least 24 px\./)).toContain(smallest);
    expect(await refused({ ...o, crop: 20 }, 'INVALID_REQUEST', /^--crop 20 is too small/)).toContain(smallest);
    await refused({ ...o, crop: 28 }, 'INVALID_REQUEST', /^--crop 28 does not fit the critic of the adversarial loss, which takes multiples of 8 px from 24\. Use --crop 24 or --crop 32, or train without the critic: --adversarial 0\.$/);
    await expect(stat(path.join(work, 'm-critic'))).rejects.toThrow();
    // Without the critic a 16-px crop trains.
    const { summary } = await trainModel({ ...o, crop: 16, steps: 1, weights: { perceptual: 0, adversarial: 0 } });
    expect(summary).toMatchObject({ crop: 16, steps: 1 });
  });
});

describe('a damaged checkpoint', () => {
  it('says where the run is and how to start over, with and without --resume, and deletes nothing', async () => {
    const o: TrainOptions = { ...base, modelsDir: path.join(work, 'm-damaged'), outId: 'x' };
    await interrupted(o);
    const runDir = runDirFor(o.modelsDir, 'x');
    const bin = (await readdir(runDir)).find((f) => f.endsWith('.bin'))!;
    await rm(path.join(runDir, bin));

    const advice = `To start "x" over, delete the folder ${runDir}; or keep it and train under another --out name.`;
    const resumed = await refused({ ...o, resume: true }, 'FILE_UNREADABLE', /its weights file weights-00000001\.bin is missing\. The interrupted run "x" cannot be resumed from it\./);
    expect(resumed).toContain(advice);
    const fresh = await refused(o, 'FILE_UNREADABLE', /It belongs to an interrupted run "x", so no new run can start under that name\./);
    expect(fresh).toContain(advice);
    expect(fresh).not.toMatch(/without --resume/);

    await writeFile(path.join(runDir, 'checkpoint.json'), '{"version": 1, "bin": ');
    const garbled = await refused(o, 'FILE_UNREADABLE', /checkpoint\.json is not a valid checkpoint description/);
    expect(garbled).toContain(advice);
    expect(await readdir(runDir)).toEqual(['checkpoint.json']);
  });
});
