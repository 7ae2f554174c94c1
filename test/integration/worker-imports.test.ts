import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import type { EngineClient } from '../../electron/main/engine/engine-client.js';
import { importedPackages, importLogFlags } from '../fixtures/import-log.js';
import { ortTelemetryTraces } from '../fixtures/ort-telemetry-traces.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { repoRoot, sharedPhoto } from './worker-helpers.js';

/**
 * The bundled worker runs as three processes (deblur, images, training): each must load only the
 * heavy packages its own commands use, at start-up none, and TF.js only when a run starts. Run in
 * plain Node with a hook that logs what each process really resolves.
 */
const PHOTO = sharedPhoto('real-blur/lai_flower.jpg');
// Two levels below the repo, like dist/electron, so the bundle's relative weights path holds.
const outRoot = path.join(repoRoot, '.unshake-cache', 'electron-imports');
const entry = path.join(outRoot, 'workers', 'engine-worker.js');
const TF = /^@tensorflow\//;

describe('what each worker process loads', () => {
  let dir: string;
  let engine: EngineClient | undefined;

  beforeAll(async () => {
    // @ts-expect-error: a plain .mjs build script without type declarations
    const { buildElectron } = (await import('../../scripts/build-electron.mjs')) as {
      buildElectron(options: { quiet: boolean; outRoot: string }): Promise<string>;
    };
    await buildElectron({ quiet: true, outRoot });
    dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-imports-'));
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  /** A bundled worker whose resolved packages go to a log of its own. */
  async function loggedWorker(name: string): Promise<{ engine: EngineClient; loaded: () => string[] }> {
    const log = path.join(dir, `${name}.log`);
    const started = createChildProcessEngine({ entry: { path: entry, execArgv: await importLogFlags(dir, log) } });
    return { engine: started, loaded: () => importedPackages(log) };
  }

  it('starts without sharp, ORT or TF.js', async () => {
    const log = path.join(dir, 'start.log');
    const child = fork(entry, [], { execArgv: await importLogFlags(dir, log), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type?: string }) => message.type === 'ready' && resolve());
      child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it was ready`)));
    });
    child.kill('SIGKILL');
    expect(importedPackages(log).filter((name) => ['sharp', 'onnxruntime-node', 'exifr'].includes(name) || TF.test(name))).toEqual([]);
  });

  it('the images process loads sharp, never ORT or TF.js', async () => {
    const worker = await loggedWorker('images');
    engine = worker.engine;
    await engine.request('inspect', { path: PHOTO, maxMegapixels: 100 });
    await engine.request('preview', { path: PHOTO, maxEdge: 256, maxMegapixels: 100 });
    await engine.request('crop', { path: PHOTO, region: { left: 0, top: 0, width: 64, height: 64 }, maxMegapixels: 100 });
    expect(worker.loaded()).toContain('sharp');
    expect(worker.loaded()).not.toContain('onnxruntime-node');
    expect(worker.loaded().filter((name) => TF.test(name))).toEqual([]);
  });

  it('the deblur process loads ORT, never TF.js', async () => {
    const worker = await loggedWorker('deblur');
    engine = worker.engine;
    const userModelsDir = path.join(dir, 'models');
    await engine.request('info', {});
    await engine.request('models', { userModelsDir });
    const resultPath = path.join(dir, 'result.png');
    const result = await engine.request('deblur', {
      path: PHOTO, outPath: resultPath, strength: 1, modelId: 'placeholder', userModelsDir, maxMegapixels: 100, preferredProvider: 'cpu',
      mask: { shapes: [{ kind: 'rect', x: 0, y: 0, width: 96, height: 96 }], feather: 0, invert: false },
    });
    await engine.request('encode', { resultPath, source: result.source, outPath: path.join(dir, 'out.jpg'), format: 'jpeg', overwrite: false, maxMegapixels: 100, keep: 0.5 });
    expect(worker.loaded()).toContain('onnxruntime-node');
    expect(worker.loaded().filter((name) => TF.test(name))).toEqual([]);
    // The bundled worker turns ORT's telemetry off too (the bundle keeps ort.ts's order).
    expect(ortTelemetryTraces(engine.workerPid()!, os.tmpdir())).toEqual([]);
  });

  it('the training process loads TF.js only when a run starts', async () => {
    const worker = await loggedWorker('training');
    engine = worker.engine;
    const userModelsDir = path.join(dir, 'training-models');
    expect(await engine.request('trainingRuns', { userModelsDir })).toEqual([]);
    expect(worker.loaded()).not.toContain('onnxruntime-node');
    const base = await installTinyModel(userModelsDir);
    const { runId } = await engine.request('planTrainingRun', { userModelsDir, baseModelId: base, name: 'Imports run' });
    expect(worker.loaded().filter((name) => TF.test(name))).toEqual([]);

    await makeGoproPairsFolder(path.join(dir, 'pairs'), 2);
    await engine.request('train', {
      kind: 'new', userModelsDir, runId, baseModelId: base, source: 'pairs', folder: path.join(dir, 'pairs'), name: 'Imports run', steps: 1,
      settings: { crop: 32, batch: 1, perceptualWeight: 0, criticWidth: 4 },
    });
    expect(worker.loaded()).toContain('@tensorflow/tfjs');
  });

  /** A tiny user model to fine-tune in a second, as the bundle test does. */
  async function installTinyModel(userModelsDir: string): Promise<string> {
    const modelDir = path.join(userModelsDir, 'tiny');
    await mkdir(modelDir, { recursive: true });
    await copyFile(await writeTinyGenerator(dir, 4), path.join(modelDir, 'tiny.onnx'));
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(modelDir, 'tiny.manifest.json'), JSON.stringify({ ...manifest, id: 'tiny', name: 'Tiny', file: 'tiny.onnx', sha256: undefined }));
    return 'tiny';
  }
});
