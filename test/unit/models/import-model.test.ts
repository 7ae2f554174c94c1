import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../../model/src/models/import-model.js';
import { bundledModelsDir, listModels, resolveModel, unlistedModels } from '../../../model/src/models/library.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-import-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A model folder as Unshake saves a fine-tune: `<id>.manifest.json` + model.onnx (the placeholder's real graph). */
async function modelFolder(dir: string, id: string, name: string, edit: (m: Record<string, unknown>) => void = () => {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(bundledModelsDir(), 'placeholder.onnx'), path.join(dir, 'model.onnx'));
  const manifest = { ...(JSON.parse(await readFile(path.join(bundledModelsDir(), 'placeholder.manifest.json'), 'utf8')) as Record<string, unknown>), id, name, file: 'model.onnx', placeholder: false };
  edit(manifest);
  await writeFile(path.join(dir, `${id}.manifest.json`), JSON.stringify(manifest));
  return dir;
}

describe('Import model…', () => {
  it('copies a model folder into the library under a free id, checked; refuses the same model twice, a damaged one and another app’s', async () => {
    const models = path.join(tmp, 'models');
    const library = { userModelsDir: models };
    const from = await modelFolder(path.join(tmp, 'usb', 'street'), 'street', 'Street shots');
    expect(await importModel(from, library)).toEqual({ id: 'street', name: 'Street shots' });
    expect((await resolveModel('street', library)).onnxPath).toBe(path.join(models, 'street', 'model.onnx'));
    // No staging folder is left behind.
    expect((await readdir(models)).sort()).toEqual(['street']);
    await expect(importModel(from, library)).rejects.toThrow(/cannot be imported: it is already in your models as “Street shots”/);

    // Another model with an id already used: a free one.
    const other = await modelFolder(path.join(tmp, 'usb', 'street-night'), 'street', 'Street at night', (m) => delete m.sha256);
    await writeFile(path.join(other, 'model.onnx'), Buffer.concat([await readFile(path.join(other, 'model.onnx')), Buffer.from([0])]));
    expect(await importModel(other, library)).toEqual({ id: 'street-2', name: 'Street at night' });
    expect((await listModels(library)).filter((m) => m.source === 'user').map((m) => m.id).sort()).toEqual(['street', 'street-2']);
    // Other weights under a name already there (in another case): two cards nobody could tell apart, so " (2)".
    const twin = await modelFolder(path.join(tmp, 'usb', 'twin'), 'twin', 'street SHOTS', (m) => delete m.sha256);
    await writeFile(path.join(twin, 'model.onnx'), Buffer.concat([await readFile(path.join(twin, 'model.onnx')), Buffer.from([1])]));
    expect(await importModel(twin, library)).toEqual({ id: 'twin', name: 'street SHOTS (2)' });
    expect((await resolveModel('twin', library)).manifest.name).toBe('street SHOTS (2)');
    await rm(path.join(models, 'twin'), { recursive: true });

    const damaged = await modelFolder(path.join(tmp, 'usb', 'damaged'), 'damaged', 'Damaged', (m) => (m.sha256 = 'a'.repeat(64)));
    await expect(importModel(damaged, library)).rejects.toThrow(/does not match its manifest's checksum/);
    const bare = path.join(tmp, 'usb', 'other-app');
    await mkdir(bare);
    await copyFile(path.join(bundledModelsDir(), 'placeholder.onnx'), path.join(bare, 'DeblurGANv2.onnx'));
    await expect(importModel(bare, library)).rejects.toThrow(/DeblurGANv2.onnx has no Unshake manifest .* another app's model/);
    await writeFile(path.join(tmp, 'usb', 'damaged', 'x.manifest.json'), '{');
    await expect(importModel(damaged, library)).rejects.toThrow(/holds 2 model manifests/);
    expect((await readdir(models)).sort()).toEqual(['street', 'street-2']);
  });

  it('a bare .onnx in the models folder, or in a folder of its own, is listed as unusable: no manifest', async () => {
    const models = path.join(tmp, 'bare-models');
    await mkdir(path.join(models, 'folder-only'), { recursive: true });
    await copyFile(path.join(bundledModelsDir(), 'placeholder.onnx'), path.join(models, 'DeblurGANv2.onnx'));
    await copyFile(path.join(bundledModelsDir(), 'placeholder.onnx'), path.join(models, 'folder-only', 'net.onnx'));
    const unusable = await unlistedModels({ userModelsDir: models });
    expect(unusable.map((m) => [m.id, m.reason.split(' (')[0]])).toEqual([
      ['DeblurGANv2', 'no manifest'],
      ['folder-only', 'no manifest'],
    ]);
    expect(unusable[0]!.reason).toContain('DeblurGANv2.onnx has no <id>.manifest.json beside it');
  });

  it('a model file over 2 GiB is listed as unusable, with its size, not offered', async () => {
    const models = path.join(tmp, 'huge-models');
    const dir = await modelFolder(path.join(models, 'huge'), 'huge', 'Huge', (m) => delete m.sha256);
    await truncate(path.join(dir, 'model.onnx'), 3 * 2 ** 30);
    const library = { userModelsDir: models };
    expect((await listModels(library)).map((m) => m.id)).not.toContain('huge');
    expect(await unlistedModels(library)).toEqual([{ id: 'huge', source: 'user', reason: 'its file model.onnx is 3.0 GiB; ONNX models cannot exceed 2 GiB' }]);
  });
});
