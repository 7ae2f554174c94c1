import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import type { BackendRecord } from '../../model/src/train/backend-record.js';
import { trainModel } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';

describe('training.json names where the run trained', () => {
  it('a run resumed on another backend records each session in words, and whether it was a graphics card', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'unshake-backend-record-'));
    const pairsDir = path.join(work, 'pairs');
    await makeGoproPairsFolder(pairsDir, 1);
    const baseManifest = JSON.parse(await readFile(path.resolve('model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
    const options = {
      baseOnnxPath: await writeTinyGenerator(work, 4),
      baseManifest: { ...baseManifest, id: 'tiny', name: 'Tiny test generator' },
      pairsDir,
      modelsDir: path.join(work, 'models'),
      outId: 'two-sessions',
      steps: 2,
      crop: 32,
      batch: 1,
      weights: { l1: 100, perceptual: 0, adversarial: 0 },
      checkpointEvery: 1,
      validationCrop: 64,
    };
    await loadBestBackend({ candidates: ['cpu'] });
    const controller = new AbortController();
    const first = trainModel({ ...options, signal: controller.signal, onEvent: (e) => e.type === 'step' && controller.abort() });
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });

    // The second session on native TensorFlow where it is installed, else on WebGPU's software
    // renderer where a Vulkan driver is, else pure JS again.
    const second = await loadBestBackend({ processorOnly: true });
    const { model, summary } = await trainModel({ ...options, resume: true });
    const written = JSON.parse(await readFile(model.summaryPath, 'utf8')) as { backend: string; backends: BackendRecord[] };
    expect(written.backends).toEqual(summary.backends);
    expect(written.backends).toEqual([
      { name: 'cpu', plain: 'the processor (JavaScript)', gpu: false, fromStep: 0 },
      { name: second.name, plain: expect.stringMatching(/^the processor \(/), gpu: false, fromStep: 1 },
    ]);
    if (second.name === 'webgpu') expect(written.backends[1]!.plain).toBe('the processor (WebGPU, software driver)');
    // Kept for older readers: TF.js's name for the last session's backend.
    expect(written.backend).toBe(second.name === 'tensorflow-gpu' ? 'tensorflow' : second.name);
  });
});
