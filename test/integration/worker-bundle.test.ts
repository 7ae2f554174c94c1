import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import type { EngineClient } from '../../electron/main/engine/engine-client.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { repoRoot, sharedPhoto } from './worker-helpers.js';

/**
 * The esbuild bundles the packaged app runs: the worker bundle must work as plain ESM in Node
 * (bundled CommonJS deps need require/__filename shims) and find the shipped weights; the
 * preload must be one self-contained CJS file that requires nothing but electron.
 */
const PHOTO = sharedPhoto('real-blur/lai_flower.jpg');
// Two levels below the repo, like dist/electron, so the bundle's relative weights path holds.
const outRoot = path.join(repoRoot, '.unshake-cache', 'electron');

describe('bundled Electron entry points', () => {
  let engine: EngineClient | undefined;

  beforeAll(async () => {
    // @ts-expect-error: a plain .mjs build script without type declarations
    const { buildElectron } = (await import('../../scripts/build-electron.mjs')) as {
      buildElectron(options: { quiet: boolean; outRoot: string }): Promise<string>;
    };
    await buildElectron({ quiet: true, outRoot });
    engine = createChildProcessEngine({ entry: { path: path.join(outRoot, 'workers', 'engine-worker.js'), execArgv: [] } });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('writes main (ESM), preload (CJS) and the worker', () => {
    for (const file of ['main/index.js', 'preload/index.cjs', 'workers/engine-worker.js']) {
      expect(existsSync(path.join(outRoot, file)), file).toBe(true);
    }
    const preload = readFileSync(path.join(outRoot, 'preload', 'index.cjs'), 'utf8');
    const required = new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('runs the bundled worker in plain Node: models, deblur and encode', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-bundle-'));
    const models = await engine!.request('models', { userModelsDir: path.join(dir, 'models') });
    expect(models.map((m) => m.id)).toContain('placeholder');
    const resultPath = path.join(dir, 'result.png');
    const result = await engine!.request('deblur', {
      path: PHOTO, outPath: resultPath, strength: 1, modelId: 'placeholder',
      userModelsDir: path.join(dir, 'models'), maxMegapixels: 100, preferredProvider: 'cpu',
    });
    expect(result).toMatchObject({ width: 701, height: 494, executionProvider: { active: 'cpu' } });
    const saved = await engine!.request('encode', {
      resultPath, source: result.source, outPath: path.join(dir, 'out.webp'), format: 'webp', overwrite: false, maxMegapixels: 100,
    });
    expect((await sharp(saved.path).metadata()).format).toBe('webp');
  });

  it('trains in the bundled worker: TF.js loads from the bundle on the first training request', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-bundle-train-'));
    const userModelsDir = path.join(dir, 'models');
    await makeGoproPairsFolder(path.join(dir, 'pairs'));
    const base = await writeTinyGenerator(dir, 4);
    const modelDir = path.join(userModelsDir, 'tiny');
    await mkdir(modelDir, { recursive: true });
    await copyFile(base, path.join(modelDir, 'tiny.onnx'));
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(modelDir, 'tiny.manifest.json'), JSON.stringify({ ...manifest, id: 'tiny', name: 'Tiny', file: 'tiny.onnx', sha256: undefined }));
    const { runId } = await engine!.request('planTrainingRun', { userModelsDir, baseModelId: 'tiny', name: 'Bundled run' });
    expect(runId).toBe('bundled-run');
    const trained = await engine!.request('train', {
      kind: 'new', userModelsDir, runId, baseModelId: 'tiny', source: 'pairs', folder: path.join(dir, 'pairs'), name: 'Bundled run', steps: 2,
      settings: { crop: 32, batch: 1, perceptualWeight: 0, criticWidth: 4 },
    });
    expect(trained).toMatchObject({ modelId: 'bundled-run', name: 'Bundled run', steps: 2 });
    expect((await engine!.request('models', { userModelsDir })).map((m) => m.id)).toContain('bundled-run');
    expect(await engine!.request('trainingRuns', { userModelsDir })).toEqual([]);

    // Sharp-only photos: the bundle finds the shake specs, and the VGG19 weights for the perceptual loss.
    const sharpDir = path.join(dir, 'sharp');
    await mkdir(sharpDir);
    for (const name of ['101085.jpg', '102061.jpg', '108005.jpg']) await copyFile(sharedPhoto(`photos-extra/CBSD68/${name}`), path.join(sharpDir, name));
    const sharpRun = await engine!.request('planTrainingRun', { userModelsDir, baseModelId: 'tiny', name: 'Bundled sharp' });
    const onSharp = await engine!.request('train', {
      kind: 'new', userModelsDir, runId: sharpRun.runId, baseModelId: 'tiny', source: 'sharp', folder: sharpDir, name: 'Bundled sharp', steps: 1,
      settings: { crop: 32, batch: 1, perceptualWeight: 1, criticWidth: 4 },
    });
    expect(onSharp).toMatchObject({ modelId: 'bundled-sharp', steps: 1 });
  });
});
