import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listModels } from '../../../model/src/models/library.js';
import { assertNewModelId } from '../../../model/src/train/model-export.js';
import { placeholderPath } from './helpers.js';

describe('the name of a fine-tuned model', () => {
  it('may not be a bundled model’s id or the "base" alias: the library would hide it behind them', async () => {
    const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-model-id-'));
    const bundled = (await listModels()).map((m) => m.id);
    expect(bundled).toEqual(expect.arrayContaining(['base', 'unshake-base', 'placeholder']));
    for (const id of bundled) {
      await expect(assertNewModelId(modelsDir, id, ''), id).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringMatching(/ships with Unshake/) });
    }
    await expect(assertNewModelId(modelsDir, 'my-street-shots', '')).resolves.toBeUndefined();
    await mkdir(path.join(modelsDir, 'my-street-shots'));
    await expect(assertNewModelId(modelsDir, 'my-street-shots', '')).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringMatching(/already exists/) });
  });

  it('may not be the id of a model already in the library, whatever folder holds it (a copied one, say)', async () => {
    const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-model-id-'));
    const copy = path.join(modelsDir, 'street-shots copy');
    await mkdir(copy);
    await copyFile(placeholderPath, path.join(copy, 'model.onnx'));
    const manifest = JSON.parse(await readFile(placeholderPath.replace(/\.onnx$/, '.manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(copy, 'street-shots.manifest.json'), JSON.stringify({ ...manifest, id: 'street-shots', name: 'Street shots', placeholder: false, file: 'model.onnx' }));
    expect((await listModels({ userModelsDir: modelsDir })).map((m) => m.id)).toContain('street-shots');
    await expect(assertNewModelId(modelsDir, 'street-shots', '')).rejects.toMatchObject({
      code: 'OUTPUT_EXISTS',
      message: `A model with the id "street-shots" ("Street shots") is already in the library in ${modelsDir}; choose another name (--out NAME on the command line).`,
    });
  });
});
