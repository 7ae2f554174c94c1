import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ort } from '../../model/src/infer/ort.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnshakeError } from '../../model/src/errors.js';
import { getSession } from '../../model/src/infer/session-manager.js';
import { modelManifestSchema, type ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';

let work: string;
let options: Omit<TrainOptions, 'signal' | 'onEvent' | 'resume'>;

beforeAll(async () => {
  await loadBestBackend({ candidates: ['cpu'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-'));
  const pairsDir = path.join(work, 'pairs');
  await makeGoproPairsFolder(pairsDir);
  const baseOnnxPath = await writeTinyGenerator(work, 4);
  const baseManifest: ModelManifest = JSON.parse(await readFile(path.resolve('model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
  options = {
    baseOnnxPath,
    baseManifest: { ...baseManifest, id: 'tiny', name: 'Tiny test generator' },
    pairsDir,
    modelsDir: path.join(work, 'models'),
    outId: 'my-camera',
    outName: 'My camera',
    steps: 5,
    crop: 32,
    batch: 1,
    learningRate: 1e-3,
    weights: { l1: 100, perceptual: 0, adversarial: 1 },
    criticWidth: 4,
    checkpointEvery: 2,
    validationCrop: 64,
  };
});

describe('fine-tuning run', () => {
  it('is cancelled mid-run, resumes from its checkpoint, and exports a model ORT runs', async () => {
    const controller = new AbortController();
    const events: TrainEvent[] = [];
    const onEvent = (e: TrainEvent) => {
      events.push(e);
      if (e.type === 'step' && e.step === 3) controller.abort();
    };
    const cancelled = trainModel({ ...options, signal: controller.signal, onEvent });
    await expect(cancelled).rejects.toThrow(UnshakeError);
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    // Cancellation took effect before the next step, and saved where it stopped.
    expect(events.filter((e) => e.type === 'step').map((e) => e.step)).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => [e.step, e.reason])).toEqual([[2, 'interval'], [3, 'cancel']]);
    const data = events.find((e) => e.type === 'data')!;
    expect(data).toMatchObject({ train: 2, validation: 1 });
    const baseline = events.find((e) => e.type === 'validation')!;
    expect(baseline.step).toBe(0);
    const runFiles = await readdir(runDirFor(options.modelsDir, options.outId));
    expect(runFiles.sort()).toEqual(['checkpoint.json', 'weights-00000003.bin']);
    // Starting over by accident is refused; the interrupted run must be resumed explicitly.
    await expect(trainModel({ ...options })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });

    const resumed: TrainEvent[] = [];
    const result = await trainModel({ ...options, resume: true, onEvent: (e) => resumed.push(e) });
    expect(resumed.find((e) => e.type === 'resumed')).toMatchObject({ type: 'resumed', step: 3, mode: 'full', crop: 32, criticWidth: 4 });
    expect(resumed.filter((e) => e.type === 'step').map((e) => e.step)).toEqual([4, 5]);
    const step = resumed.find((e) => e.type === 'step')!;
    expect(step.type === 'step' && step.stepsPerSecond > 0 && Number.isFinite(step.etaSeconds)).toBe(true);

    const { model, summary } = result;
    expect(model.onnxPath).toBe(path.join(options.modelsDir, 'my-camera', 'model.onnx'));
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(model.manifestPath, 'utf8')));
    expect(manifest).toMatchObject({ id: 'my-camera', placeholder: false, file: 'model.onnx' });
    expect(summary.steps).toBe(5);
    expect(summary.validation.base.psnr).toBe((baseline.type === 'validation' && baseline.base.psnr) || NaN);
    expect(JSON.parse(await readFile(model.summaryPath, 'utf8'))).toMatchObject({ steps: 5, baseModel: { id: 'tiny' } });
    // The checkpoints are gone after a successful export; the base file is untouched.
    await expect(stat(runDirFor(options.modelsDir, options.outId))).rejects.toThrow();

    // The engine's own session manager accepts it against its manifest (names, NCHW, dynamic H/W).
    const { session } = await getSession(model.onnxPath, { preferred: 'cpu', manifest });
    const input = tf.randomUniform([1, 3, 32, 32], -1, 1, 'float32', 3);
    const out = await session.run({ blurred: new ort.Tensor('float32', input.dataSync() as Float32Array, [1, 3, 32, 32]) });
    const sharpOut = out.sharp!.data as Float32Array;
    expect(sharpOut).toHaveLength(3 * 32 * 32);
    expect(sharpOut.every((v) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
    // A second run with the same name must not overwrite the exported model.
    await expect(trainModel({ ...options })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });

    // Resume restored weights, Adam moments, critic and the crop stream: the result is
    // bit-identical to the same run done in one go.
    const straight = await trainModel({ ...options, outId: 'in-one-go' });
    expect(Buffer.compare(await readFile(straight.model.onnxPath), await readFile(model.onnxPath))).toBe(0);
    expect(straight.summary.validation.fineTuned).toEqual(summary.validation.fineTuned);
  });

  it('stopped with its last step: kept to resume, not exported as a model the user was told had stopped', async () => {
    const controller = new AbortController();
    const o = { ...options, outId: 'stopped-at-the-end', outName: 'Stopped at the end', steps: 3 };
    const run = trainModel({ ...o, signal: controller.signal, onEvent: (e) => e.type === 'step' && e.step === 3 && controller.abort() });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await readdir(runDirFor(o.modelsDir, o.outId))).toContain('checkpoint.json');
    expect(await stat(path.join(o.modelsDir, o.outId)).catch(() => null)).toBeNull();
    // Resumed, it only measures and exports.
    const steps: number[] = [];
    const done = await trainModel({ ...o, resume: true, onEvent: (e) => e.type === 'step' && steps.push(e.step) });
    expect(steps).toEqual([]);
    expect(done.summary.steps).toBe(3);
  });
});
