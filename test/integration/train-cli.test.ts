import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { modelManifestSchema } from '../../model/src/models/manifest.js';
import { installModel } from '../fixtures/broken-models.js';
import type { BackendRecord } from '../../model/src/train/backend-record.js';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import { trainModel } from '../../model/src/train/trainer.js';
import { makeGoproPairsFolder, placeholderPath } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

let work: string;
let pairsDir: string;

/** Run the command in-process and capture what it prints. */
const run = (argv: string[]) => captureOutput(() => runTrainCommand(argv));

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-cli-'));
  pairsDir = path.join(work, 'pairs');
  await makeGoproPairsFolder(pairsDir);
});

afterEach(() => vi.restoreAllMocks());

describe('unshake train', () => {
  it('fine-tunes the placeholder on real pairs, prints progress and a before/after table, and saves a library model', async () => {
    const modelsDir = path.join(work, 'models');
    const { code, out, err } = await run([
      '--pairs', pairsDir, '--base', placeholderPath, '--steps', '3', '--crop', '32', '--batch', '1', '--val-crop', '64',
      '--perceptual', '0', '--adversarial', '0', '--out', 'My Camera', '--models-dir', modelsDir,
    ]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/^backend: (cpu|webgpu on .+ \(software renderer\)) \(skipped tensorflow-gpu: /m);
    expect(err).toMatch(/pairs: 3 valid \(folders\), 2 for training, 1 held out/);
    // The pair check counts as it goes (camera-size pairs take seconds each).
    expect(err).toMatch(/^checking pairs: 0 of 3\nchecking pairs: 1 of 3\nchecking pairs: 2 of 3\nchecking pairs: 3 of 3\npairs: /m);
    expect(err).toMatch(/^mode: full \(all weights\)$/m);
    expect(err).toMatch(/step 3\/3 {2}total [\d.e+-]+ {2}l1 [\d.e+-]+ .*ETA 0s/);
    expect(out).toMatch(/PSNR \(dB\)\s+SSIM\nblurred input\s+\d+\.\d\d\s+0\.\d{4}\nbase model\s+\d+\.\d\d\s+0\.\d{4}\nfine-tuned\s+\d+\.\d\d\s+0\.\d{4}/);
    expect(out).toContain(`saved "my-camera" to ${path.join(modelsDir, 'my-camera')}`);
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(modelsDir, 'my-camera', 'my-camera.manifest.json'), 'utf8')));
    expect(manifest.name).toBe('My Camera');
  });

  it('without a graphics card and --crop, trains at 64 px and says why; a bad number is refused before the backend loads', async () => {
    const { code, err } = await run([
      '--pairs', pairsDir, '--base', placeholderPath, '--steps', '1', '--batch', '1', '--val-crop', '32',
      '--perceptual', '0', '--adversarial', '0', '--out', 'Default crop', '--models-dir', path.join(work, 'm-crop'),
    ]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/^crop 64 px \(reduced for a CPU-bound backend; --crop 256 is the default with a graphics card\)$/m);
    const zero = await run(['--pairs', pairsDir, '--steps', '0']);
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/--steps must be an integer from 1 to 10000000, got "0"/);
    expect(zero.err).not.toMatch(/^backend: /m);
  });

  it('fine-tunes on pairs saved as .jpe, a name a batch deblurs too', async () => {
    const jpeDir = path.join(work, 'jpe-pairs');
    for (const side of ['blur', 'sharp']) {
      await mkdir(path.join(jpeDir, side), { recursive: true });
      for (const name of await readdir(path.join(pairsDir, side))) {
        await sharp(path.join(pairsDir, side, name)).jpeg({ quality: 95 }).toFile(path.join(jpeDir, side, name.replace(/\.png$/, '.jpe')));
      }
    }
    const { code, err } = await run([
      '--pairs', jpeDir, '--base', placeholderPath, '--steps', '1', '--crop', '32', '--batch', '1', '--val-crop', '32',
      '--perceptual', '0', '--adversarial', '0', '--out', 'Jpe pairs', '--models-dir', path.join(work, 'm-jpe'),
    ]);
    expect(err).not.toMatch(/error \[/);
    expect(err).toMatch(/pairs: 3 valid \(folders\), 2 for training, 1 held out/);
    expect(code).toBe(0);
  });

  it('refuses --pairs together with --sharp (one data source per run)', async () => {
    const { code, err } = await run(['--pairs', pairsDir, '--sharp', pairsDir]);
    expect(code).toBe(2);
    expect(err).toMatch(/--pairs and --sharp cannot be used together/);
  });

  it('explains usage errors and a missing folder', async () => {
    expect((await run([])).err).toMatch(/--pairs DIR is required/);
    const missing = await run(['--pairs', path.join(work, 'nope'), '--base', placeholderPath, '--models-dir', path.join(work, 'm2')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/error \[FILE_NOT_FOUND\]: The pairs folder .*nope does not exist/);
    const noDecoder = await run(['--pairs', pairsDir, '--base', placeholderPath, '--mode', 'decoder', '--models-dir', path.join(work, 'm3')]);
    expect(noDecoder.code).toBe(1);
    expect(noDecoder.err).toMatch(/mode: decoder \(encoder frozen/);
    expect(noDecoder.err).toMatch(/error \[MODEL_INVALID\]: This model has no ConvTranspose decoder/);
    expect((await run(['--pairs', pairsDir, '--mode', 'fast'])).err).toMatch(/--mode must be "full" or "decoder"/);
  });

  it('refuses a crop the critic cannot score as a usage error (2) naming the smallest that works, before reading the data', async () => {
    const small = await run(['--pairs', pairsDir, '--base', placeholderPath, '--crop', '16', '--models-dir', path.join(work, 'm4')]);
    expect(small.code).toBe(2);
    expect(small.err).toMatch(/error \[INVALID_REQUEST\]: --crop 16 is too small for the adversarial loss: its critic needs crops of at least 24 px\. Use --crop 24, or train without the critic: --adversarial 0\./);
    expect(small.err).not.toMatch(/^pairs: /m);
  });

  it('--cpu keeps the run off the graphics card as the app\'s setting does, says so, and training.json records the processor', async () => {
    const modelsDir = path.join(work, 'm-cpu');
    const { code, err } = await run([
      '--pairs', pairsDir, '--base', placeholderPath, '--steps', '1', '--crop', '32', '--batch', '1', '--val-crop', '32',
      '--perceptual', '0', '--adversarial', '0', '--out', 'Processor only', '--models-dir', modelsDir, '--cpu',
    ]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    // tfjs-node-gpu not even loaded (it would take the card's memory), with --cpu as the reason.
    expect(err).toMatch(/^backend: .+\(skipped tensorflow-gpu: not used: --cpu says to use the processor[;)]/m);
    const summary = JSON.parse(await readFile(path.join(modelsDir, 'processor-only', 'training.json'), 'utf8')) as { backends: BackendRecord[] };
    expect(summary.backends).toEqual([{ name: expect.stringMatching(/^(cpu|tensorflow|webgpu)$/), plain: expect.stringMatching(/^the processor \(/), gpu: false, fromStep: 0 }]);
  });

  it('--cpu is in the resume hint, so continuing as told stays on the processor', async () => {
    const modelsDir = path.join(work, 'm-cpu-resume');
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(placeholderPath.replace(/\.onnx$/, '.manifest.json'), 'utf8')));
    const controller = new AbortController();
    await expect(trainModel({
      baseOnnxPath: placeholderPath, baseManifest: manifest, pairsDir, modelsDir, outId: 'cpu-again', steps: 2, crop: 32, batch: 1, validationCrop: 32,
      weights: { perceptual: 0, adversarial: 0 }, signal: controller.signal, onEvent: (e) => e.type === 'step' && controller.abort(),
    })).rejects.toMatchObject({ code: 'CANCELLED' });
    const light = ['--pairs', pairsDir, '--base', placeholderPath, '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0'];
    const fresh = await run([...light, '--out', 'cpu-again', '--models-dir', modelsDir, '--cpu']);
    expect(fresh.code).toBe(1);
    expect(fresh.err).toContain(`resume it with --resume --out cpu-again --models-dir ${modelsDir} --base ${placeholderPath} --cpu or choose another name`);
    const resumed = await run(['--resume', '--out', 'cpu-again', '--models-dir', modelsDir, '--base', placeholderPath, '--cpu']);
    expect(resumed.err).not.toMatch(/error \[/);
    expect(resumed.err).toMatch(/^backend: .+\(skipped tensorflow-gpu: not used: --cpu says to use the processor[;)]/m);
    const summary = JSON.parse(await readFile(path.join(modelsDir, 'cpu-again', 'training.json'), 'utf8')) as { backends: BackendRecord[] };
    expect(summary.backends.at(-1)).toMatchObject({ gpu: false, fromStep: 1 });
  });
});

describe('a model name without Latin letters', () => {
  const date = new Date().toISOString().slice(0, 10);
  const light = ['--pairs', '', '--base', placeholderPath, '--steps', '1', '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0'];
  const args = (modelsDir: string, extra: string[]) => [...light.map((a) => a || pairsDir), '--models-dir', modelsDir, ...extra];

  it('gets a dated id (a free one) and keeps the typed name as the model’s name; a name taken is refused, as a Latin one is', async () => {
    const modelsDir = path.join(work, 'models-jp');
    for (const [id, name] of [[`placeholder-finetuned-${date}`, '日本の夏'], [`placeholder-finetuned-${date}-2`, '日本の秋']] as const) {
      const { code, out, err } = await run(args(modelsDir, ['--out', name]));
      expect(err).not.toMatch(/error \[/);
      expect(code).toBe(0);
      expect(err).toContain(`training "${id}"\nnote: "${name}" has no letters a model id can use (a-z, 0-9, ".", "_", "-"), so the model gets this id; "${name}" stays its name`);
      expect(out).toContain(`saved "${id}" to ${path.join(modelsDir, id)}`);
      const manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(modelsDir, id, `${id}.manifest.json`), 'utf8')));
      expect(manifest).toMatchObject({ id, name });
    }
    // Its id would be a fresh dated one: the name is what is taken.
    const again = await run(args(modelsDir, ['--out', '日本の夏']));
    expect(again.code).toBe(1);
    expect(again.err).toContain('error [OUTPUT_EXISTS]: A model called “日本の夏” is already in your models; choose another name (--out NAME on the command line).');
    expect(existsSync(path.join(modelsDir, `placeholder-finetuned-${date}-3`))).toBe(false);

    // A Latin name whose id is free is refused too when another model has that name (an imported
    // "Holiday" under the id holiday-2), as the panel refuses it.
    await installModel(modelsDir, 'holiday-2', await readFile(placeholderPath), {});
    const manifestPath = path.join(modelsDir, 'holiday-2', 'holiday-2.manifest.json');
    await writeFile(manifestPath, JSON.stringify({ ...JSON.parse(await readFile(manifestPath, 'utf8')), name: 'Holiday' }));
    const latin = await run(args(modelsDir, ['--out', 'Holiday']));
    expect(latin.err).toContain('error [OUTPUT_EXISTS]: A model called “Holiday” is already in your models');
    expect(existsSync(path.join(modelsDir, 'holiday'))).toBe(false);
  });

  it('is how --resume finds its interrupted run again', async () => {
    const modelsDir = path.join(work, 'models-jp-resume');
    const id = `placeholder-finetuned-${date}`;
    const controller = new AbortController();
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(placeholderPath.replace(/\.onnx$/, '.manifest.json'), 'utf8')));
    await expect(trainModel({
      baseOnnxPath: placeholderPath, baseManifest: manifest, pairsDir, modelsDir, outId: id, outName: '日本の夏', steps: 2, crop: 32, batch: 1,
      validationCrop: 32, weights: { perceptual: 0, adversarial: 0 }, signal: controller.signal, onEvent: (e) => e.type === 'step' && controller.abort(),
    })).rejects.toMatchObject({ code: 'CANCELLED' });

    const { code, out, err } = await run(args(modelsDir, ['--out', '日本の夏', '--resume', '--steps', '2']));
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(new RegExp(`^resuming "${id}"$`, 'm'));
    expect(err).toMatch(/^resumed at step 1$/m);
    expect(out).toContain(`saved "${id}"`);
    expect(JSON.parse(await readFile(path.join(modelsDir, id, `${id}.manifest.json`), 'utf8'))).toMatchObject({ name: '日本の夏' });
  });
});
