import { copyFile, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { modelManifestSchema, type ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import type { TrainingSummary } from '../../model/src/train/model-export.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { repoRoot, sharedData } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

/** Fine-tuning on sharp-only photos (synthetic camera shake) through the CLI and the trainer. */
let work: string;
let sharpDir: string;
let base: string;

const PHOTOS = ['101085.jpg', '102061.jpg', '108005.jpg', '12084.jpg'];

const run = (argv: string[]) => captureOutput(() => runTrainCommand(argv));

beforeAll(async () => {
  await loadBestBackend({ candidates: ['cpu'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-sharp-'));
  sharpDir = path.join(work, 'sharp');
  await mkdir(sharpDir);
  for (const name of PHOTOS) await copyFile(path.join(sharedData('photos-extra/CBSD68'), name), path.join(sharpDir, name));
  base = await writeTinyGenerator(work, 5);
  await copyFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), base.replace(/\.onnx$/, '.manifest.json'));
});

afterEach(() => vi.restoreAllMocks());

describe('unshake train --sharp', () => {
  it('fine-tunes on sharp-only photos with synthetic shake and records it in the model', async () => {
    const modelsDir = path.join(work, 'models');
    const { code, out, err } = await run([
      '--sharp', sharpDir, '--steps', '3', '--crop', '48', '--batch', '1', '--l1', '1', '--perceptual', '0', '--adversarial', '0',
      '--base', base, '--models-dir', modelsDir, '--out', 'x', '--val-crop', '64',
    ]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/sharp-only photos: 4 usable, 3 for training, 1 held out/);
    // The photos are counted as they are checked, as pairs are (camera-size photos take a while).
    expect(err).toMatch(/^checking photos: 0 of 4\nchecking photos: 1 of 4\nchecking photos: 2 of 4\nchecking photos: 3 of 4\nchecking photos: 4 of 4\n/m);
    expect(err).toMatch(/synthetic camera shake: spec v1 \(.*synthesis-spec\.json\), seed 1, blurred in linear light, random trajectories \+ \d+ measured kernels/);
    expect(err).toMatch(/10 % of samples with mild shake \(0–8 px, some none: .*synthesis-spec-mild\.json\), so sharp photos stay sharp/);
    expect(err).toMatch(/step 3\/3 /);
    expect(out).toMatch(/held-out 1 photo\(s\) with synthetic shake/);
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(modelsDir, 'x', 'x.manifest.json'), 'utf8')));
    expect(manifest.description).toMatch(/on 3 sharp-only photo\(s\) with synthetic camera shake \(spec v1, seed 1\) for 3 steps/);
    const summary = JSON.parse(await readFile(path.join(modelsDir, 'x', 'training.json'), 'utf8')) as TrainingSummary;
    expect(summary.data).toMatchObject({ source: 'synthetic', layout: 'sharp-only', folder: sharpDir, rejected: [] });
    if (summary.data.source !== 'synthetic') throw new Error('not synthetic');
    expect([...summary.data.trainPhotos, ...summary.data.validationPhotos].sort()).toEqual(PHOTOS);
    expect(summary.data.synthesis).toMatchObject({ specVersion: 1, seed: 1, bankNote: null, transfer: 'srgb', specFile: path.join(repoRoot, 'model/base/synthesis-spec.json'), mildShare: 0.1, mildSpecFile: path.join(repoRoot, 'model/base/synthesis-spec-mild.json') });
    // The 18 "motion" kernels less Levin's 8 (evaluation data).
    expect(summary.data.synthesis.bankKernels).toBe(10);
  });

  it('takes another synthesis spec with --synth-spec (stored-value blur) and names a broken one', async () => {
    const modelsDir = path.join(work, 'models-spec');
    const stored = path.join(repoRoot, 'model/base/synthesis-spec-gopro-stored.json');
    const common = ['--steps', '2', '--crop', '48', '--batch', '1', '--l1', '1', '--perceptual', '0', '--adversarial', '0', '--base', base, '--models-dir', modelsDir, '--val-crop', '64'];
    const ok = await run(['--sharp', sharpDir, '--synth-spec', stored, '--mild-share', '0', '--out', 's', ...common]);
    expect(ok.err).not.toMatch(/error \[/);
    expect(ok.code).toBe(0);
    expect(ok.err).toContain(`(${stored}), seed 1, blurred on stored sRGB values,`);
    const summary = JSON.parse(await readFile(path.join(modelsDir, 's', 'training.json'), 'utf8')) as TrainingSummary;
    if (summary.data.source !== 'synthetic') throw new Error('not synthetic');
    expect(summary.data.synthesis).toMatchObject({ specFile: stored, transfer: 'identity', mildShare: 0, mildSpecFile: null });
    expect(ok.err).not.toMatch(/mild shake/);

    const broken = path.join(work, 'broken-spec.json');
    const spec = JSON.parse(await readFile(stored, 'utf8')) as { colour: { transfer: string } };
    spec.colour.transfer = 'gamma-1.8';
    await writeFile(broken, JSON.stringify(spec));
    const bad = await run(['--sharp', sharpDir, '--synth-spec', broken, '--out', 'b', ...common]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error \[FILE_UNREADABLE\]: The synthetic-shake spec .*broken-spec\.json is invalid at "colour\.transfer"/);
    await expect(stat(runDirFor(modelsDir, 'b'))).rejects.toThrow();

    const pairs = await run(['--pairs', sharpDir, '--synth-spec', stored]);
    expect(pairs.code).toBe(2);
    expect(pairs.err).toMatch(/--synth-spec applies to --sharp/);
    const mildOnPairs = await run(['--pairs', sharpDir, '--mild-share', '0.2']);
    expect(mildOnPairs.code).toBe(2);
    expect(mildOnPairs.err).toMatch(/--mild-share applies to --sharp/);
    const tooMuch = await run(['--sharp', sharpDir, '--mild-share', '1.5', '--out', 'm', ...common]);
    expect(tooMuch.code).toBe(2); // a flag's value out of range is a usage error
    expect(tooMuch.err).toMatch(/--mild-share must be a number from 0 to 1, got "1\.5"/);
  });

  it('needs exactly one of --pairs and --sharp, and never trains on zero usable photos', async () => {
    const both = await run(['--sharp', sharpDir, '--pairs', sharpDir]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--pairs and --sharp cannot be used together/);
    const neither = await run(['--steps', '3']);
    expect(neither.code).toBe(2);
    expect(neither.err).toMatch(/one of --sharp DIR \(sharp-only photos\) or --pairs DIR is required/);

    const bad = path.join(work, 'bad');
    await mkdir(bad);
    await writeFile(path.join(bad, 'empty.jpg'), new Uint8Array(0));
    await writeFile(path.join(bad, 'notes.txt'), 'no photos here');
    const modelsDir = path.join(work, 'models-bad');
    const none = await run(['--sharp', bad, '--steps', '3', '--crop', '48', '--base', base, '--models-dir', modelsDir, '--out', 'y']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/skipped empty\.jpg: empty file \(0 bytes\)/);
    // notes.txt is not counted: it is no photo.
    expect(none.err).toMatch(/^checking photos: 0 of 1\nchecking photos: 1 of 1\n/m);
    expect(none.err).toMatch(/error \[INVALID_REQUEST\]: No usable sharp photos/);
    expect(none.err).not.toMatch(/step 1\//);
    await expect(stat(runDirFor(modelsDir, 'y'))).rejects.toThrow();
  });

  it('is cancelled, resumes from its checkpoint, and ends bit-identical to an uninterrupted run', async () => {
    const baseManifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
    const options: TrainOptions = {
      baseOnnxPath: base,
      baseManifest: { ...baseManifest, id: 'tiny', name: 'Tiny test generator' },
      sharpDir,
      modelsDir: path.join(work, 'models-resume'),
      outId: 'resumed',
      steps: 5,
      crop: 48,
      batch: 1,
      learningRate: 1e-3,
      weights: { l1: 1, perceptual: 0, adversarial: 0 },
      checkpointEvery: 100,
      validationCrop: 64,
      seed: 9,
    };
    const controller = new AbortController();
    // Step 2: there TF.js Adam's own setWeights (pow()) is 1 ulp off the running β2 product;
    // restoreOptimizer redoes the product, so the resumed run is still bit-identical.
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'step' && e.step === 2) controller.abort();
    };
    await expect(trainModel({ ...options, signal: controller.signal, onEvent })).rejects.toMatchObject({ code: 'CANCELLED' });
    // The interrupted run is bound to its kind of data.
    await expect(trainModel({ ...options, sharpDir: undefined, pairsDir: sharpDir, resume: true })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/trained on sharp-only photos \(--sharp\)/),
    });

    const resumed: TrainEvent[] = [];
    // A different --seed on resume must not change the run: it keeps its own seed.
    const result = await trainModel({ ...options, seed: 1, resume: true, onEvent: (e) => resumed.push(e) });
    expect(resumed.filter((e) => e.type === 'step').map((e) => e.step)).toEqual([3, 4, 5]);
    const data = resumed.find((e) => e.type === 'data');
    expect(data).toMatchObject({ source: 'sharp', synthesis: { seed: 9 } });
    await expect(stat(runDirFor(options.modelsDir, 'resumed'))).rejects.toThrow();

    const straight = await trainModel({ ...options, outId: 'in-one-go' });
    expect(Buffer.compare(await readFile(straight.model.onnxPath), await readFile(result.model.onnxPath))).toBe(0);
    expect(straight.summary.validation).toEqual(result.summary.validation);
  });
});
