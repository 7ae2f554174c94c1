import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelManifestSchema, type ModelManifest } from '../../model/src/models/manifest.js';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import type { TrainingSummary } from '../../model/src/train/model-export.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

/**
 * A fine-tuned model as the base of another fine-tune (--base by id or by its model.onnx), and
 * what its manifest keeps of its base: the licence, a version, the base model's id, version and
 * training.
 */
let work: string;
let modelsDir: string;
let baseOnnx: string;
const LICENSE = 'Weights: research use only (test licence).';

const train = (base: string, out: string) =>
  captureOutput(() =>
    runTrainCommand([
      '--pairs', path.join(work, 'pairs'), '--base', base, '--models-dir', modelsDir, '--out', out,
      '--steps', '2', '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0',
    ]),
  );

const saved = async (id: string) => ({
  manifest: modelManifestSchema.parse(JSON.parse(await readFile(path.join(modelsDir, id, `${id}.manifest.json`), 'utf8'))),
  summary: JSON.parse(await readFile(path.join(modelsDir, id, 'training.json'), 'utf8')) as TrainingSummary,
});

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-lineage-'));
  modelsDir = path.join(work, 'models');
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  baseOnnx = await writeTinyGenerator(work, 8);
  // A manifest named by its id, not by the ONNX file: found by its "file" field.
  const placeholder = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
  const manifest: ModelManifest = {
    ...placeholder, id: 'tiny', name: 'Tiny test generator', version: '0.500.0', license: LICENSE, training: { steps: 500, mix: 'synth=1' },
    file: path.basename(baseOnnx), sha256: createHash('sha256').update(await readFile(baseOnnx)).digest('hex'),
  };
  await writeFile(path.join(work, 'tiny.manifest.json'), JSON.stringify(manifest));
});

describe('fine-tuning a fine-tuned model', () => {
  it('keeps the licence and records the base model in the manifest', async () => {
    const first = await train(baseOnnx, 'crop-32');
    expect(first.err).not.toMatch(/error \[/);
    expect(first.code).toBe(0);
    const { manifest, summary } = await saved('crop-32');
    expect(manifest).toMatchObject({
      license: LICENSE,
      version: '0.500.0+ft.2',
      training: { steps: 2, mix: 'pairs=1', baseModel: { id: 'tiny', version: '0.500.0', training: { steps: 500, mix: 'synth=1' } } },
    });
    expect(manifest.description).toMatch(/^Fine-tuned from Tiny test generator 0\.500\.0 on 2 pair\(s\) for 2 steps\./);
    expect(summary.baseModel).toEqual({ id: 'tiny', file: path.basename(baseOnnx), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), version: '0.500.0' });
  });

  it('takes it as --base by its id and by the path of its model.onnx', async () => {
    const byId = await train('crop-32', 'by-id');
    expect(byId.err).not.toMatch(/error \[/);
    expect(byId.code).toBe(0);
    const byPath = await train(path.join(modelsDir, 'crop-32', 'model.onnx'), 'by-path');
    expect(byPath.err).not.toMatch(/error \[/);
    expect(byPath.code).toBe(0);
    for (const id of ['by-id', 'by-path']) {
      const { manifest, summary } = await saved(id);
      expect(summary.baseModel).toMatchObject({ id: 'crop-32', file: 'model.onnx', version: '0.500.0+ft.2' });
      expect(manifest).toMatchObject({ license: LICENSE, version: '0.500.0+ft.2.ft.2', training: { baseModel: { id: 'crop-32', version: '0.500.0+ft.2', training: { baseModel: { id: 'tiny' } } } } });
    }
  });

  it('names what is missing for an unknown id or a file without a manifest', async () => {
    const unknown = await train('no-such-model', 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/error \[MODEL_NOT_FOUND\]: No model with id "no-such-model" is installed \(available: .*crop-32/);
    const bare = path.join(work, 'bare.onnx');
    await writeFile(bare, await readFile(baseOnnx));
    const noManifest = await train(bare, 'y');
    expect(noManifest.code).toBe(1);
    expect(noManifest.err).toContain(`error [MODEL_INVALID]: The base model ${bare} has no manifest: no valid *.manifest.json in ${work} names "bare.onnx" as its file.`);
  });
});
