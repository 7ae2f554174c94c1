import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../model/src/models/manifest.js';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import { trainModel, type TrainEvent } from '../../model/src/train/trainer.js';
import { makeGoproPairsFolder, placeholderPath } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';
import { runCli } from './cli-run.js';

/**
 * A folder of one pair trains on it and measures progress on it too (splitPairs): a gain there is
 * only memorising. Review: the CLI noted it once, then its summary, the manifest description
 * (`npm run models`, the picker) and training.json called the scores held out.
 */
let work: string;
let onePair: string;
const LIGHT = ['--base', placeholderPath, '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0'];
const train = (argv: string[]) => captureOutput(() => runTrainCommand(argv));

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-not-held-out-'));
  onePair = path.join(work, 'one-pair');
  await makeGoproPairsFolder(onePair, 1);
});

describe('a run whose scores are measured on its training photos', () => {
  it('says so in the data report, the summary, the manifest description `npm run models` shows and training.json; never “held out”', async () => {
    const modelsDir = path.join(work, 'models');
    const { code, out, err } = await train(['--pairs', onePair, ...LIGHT, '--steps', '1', '--out', 'single', '--models-dir', modelsDir]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/^pairs: 1 valid \(folders\), 1 for training, the same 1 to measure progress \(not held out\)/m);
    expect(err).toMatch(/^note: Only one valid pair: it is used both for training and to measure progress\. Its scores are measured on the training photos themselves: not a fair test, .*; add photos of other scenes for a held-out score\.$/m);
    expect(out).toMatch(/; measured on 1 pair\(s\) it trained on \(not held out\), centre crops ≤ 32 px$/m);
    expect(out).toMatch(/^note: .*on the training photos themselves.*not a fair test, since a model that memorises its training photos scores well on them/m);
    expect(`${out}\n${err}`).not.toMatch(/\d held out|held-out \d|held-out photos/);

    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(modelsDir, 'single', 'single.manifest.json'), 'utf8')));
    expect(manifest.description).toMatch(/ PSNR on its own training photos \d+\.\d\d dB \(base \d+\.\d\d dB, blurred input \d+\.\d\d dB\): not held out, so not a fair test\.$/);
    expect(manifest.description).not.toMatch(/held-out/i);
    expect((await runCli(['models', '--models-dir', modelsDir])).stdout).toContain(manifest.description);
    const summary = JSON.parse(await readFile(path.join(modelsDir, 'single', 'training.json'), 'utf8')) as { validation: { heldOut: boolean } };
    expect(summary.validation.heldOut).toBe(false);
  });

  it('a resumed run, whose split is read back from its checkpoint, says so too', async () => {
    const modelsDir = path.join(work, 'models-resume');
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(placeholderPath.replace(/\.onnx$/, '.manifest.json'), 'utf8')));
    const controller = new AbortController();
    const onEvent = (e: TrainEvent) => e.type === 'step' && controller.abort();
    await expect(trainModel({
      baseOnnxPath: placeholderPath, baseManifest: manifest, pairsDir: onePair, modelsDir, outId: 'again', steps: 2, crop: 32, batch: 1,
      validationCrop: 32, weights: { perceptual: 0, adversarial: 0 }, signal: controller.signal, onEvent,
    })).rejects.toMatchObject({ code: 'CANCELLED' });

    const { code, out, err } = await train([...LIGHT, '--resume', '--out', 'again', '--models-dir', modelsDir]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/^pairs: 1 valid \(folders\), 1 for training, the same 1 to measure progress \(not held out\)/m);
    expect(err).toMatch(/^note: The photos that measure progress are training photos too\. Its scores are measured on the training photos themselves: not a fair test/m);
    expect(out).toMatch(/; measured on 1 pair\(s\) it trained on \(not held out\)/);
    expect(JSON.parse(await readFile(path.join(modelsDir, 'again', 'training.json'), 'utf8'))).toMatchObject({ validation: { heldOut: false } });
  });

  it('a folder of three pairs (three scenes) is held out, and training.json says that too', async () => {
    const threePairs = path.join(work, 'three-pairs');
    await makeGoproPairsFolder(threePairs);
    const modelsDir = path.join(work, 'models-three');
    const { code, out, err } = await train(['--pairs', threePairs, ...LIGHT, '--steps', '1', '--out', 'three', '--models-dir', modelsDir]);
    expect(code).toBe(0);
    expect(err).toMatch(/^pairs: 3 valid \(folders\), 2 for training, 1 held out(, \d realigned \(see the notes\))?$/m);
    expect(out).toMatch(/; held-out 1 pair\(s\), centre crops ≤ 32 px$/m);
    expect(out).not.toMatch(/not a fair test/);
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(modelsDir, 'three', 'three.manifest.json'), 'utf8')));
    expect(manifest.description).toMatch(/ Held-out PSNR \d+\.\d\d dB \(base /);
    expect(JSON.parse(await readFile(path.join(modelsDir, 'three', 'training.json'), 'utf8'))).toMatchObject({ validation: { heldOut: true } });
  });
});
