import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trashInUserData } from '../../../electron/main/services/remove-model.js';
import { bundledModelsDir, listModels, resolveModel, unlistedModels, userModelFolder } from '../../../model/src/models/library.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-lib-hidden-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A fine-tune as the trainer saves it: `<dir>/<id>.manifest.json` + model.onnx (the placeholder's graph). */
async function fineTune(dir: string, id: string, name = id): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(bundledModelsDir(), 'placeholder.onnx'), path.join(dir, 'model.onnx'));
  const manifest = JSON.parse(await readFile(path.join(bundledModelsDir(), 'placeholder.manifest.json'), 'utf8')) as object;
  await writeFile(path.join(dir, `${id}.manifest.json`), JSON.stringify({ ...manifest, id, name, file: 'model.onnx', placeholder: false }));
}

describe('user models that used to vanish without a word', () => {
  it('a model whose id a shipped model has is listed as unusable, says why, and can be removed; the shipped one still runs', async () => {
    const models = path.join(tmp, 'shadowed');
    await fineTune(path.join(models, 'unshake-base'), 'unshake-base', 'My base');
    await fineTune(path.join(models, 'my-alias'), 'base', 'My alias');
    await fineTune(path.join(models, 'placeholder'), 'placeholder', 'My placeholder');
    const library = { userModelsDir: models };
    const unusable = await unlistedModels(library);
    expect(unusable.map((m) => `${m.id}:${m.source}`).sort()).toEqual(['base:user', 'placeholder:user', 'unshake-base:user']);
    for (const m of unusable) expect(m.reason).toBe(`its id "${m.id}" is taken by a model shipped with Unshake; change "id" in its manifest (and the manifest's file name) to use it`);
    // Never run in the shipped model's place, nor listed as a second model of that id.
    expect((await listModels(library)).filter((m) => m.source === 'user')).toEqual([]);
    expect((await resolveModel('unshake-base', library)).source).toBe('bundled');
    expect((await resolveModel('base', library)).source).toBe('bundled');
    expect((await resolveModel('placeholder', library)).manifest.name).not.toBe('My placeholder');
    // Remove finds the user's folder, not the shipped model.
    expect(await userModelFolder('unshake-base', library)).toBe(path.join(models, 'unshake-base'));
    expect(await userModelFolder('base', library)).toBe(path.join(models, 'my-alias'));
  });

  it('a model folder linked in from another disk is listed and runs; removing it trashes the link, not the model it points to', async () => {
    const elsewhere = path.join(tmp, 'other-disk', 'night-tripod');
    await fineTune(elsewhere, 'night-tripod', 'Night (tripod)');
    const models = path.join(tmp, 'linked');
    await mkdir(models, { recursive: true });
    await symlink(elsewhere, path.join(models, 'night-tripod'), 'dir');
    // A link back at the models folder itself (a loop) is read once and is nothing.
    await symlink(models, path.join(models, 'loop'), 'dir');
    const library = { userModelsDir: models };
    expect((await listModels(library)).filter((m) => m.source === 'user').map((m) => m.id)).toEqual(['night-tripod']);
    expect(await unlistedModels(library)).toEqual([]);
    expect((await resolveModel('night-tripod', library)).onnxPath).toBe(path.join(models, 'night-tripod', 'model.onnx'));

    const folder = await userModelFolder('night-tripod', library);
    expect(folder).toBe(path.join(models, 'night-tripod'));
    const userData = path.join(tmp, 'user-data');
    await trashInUserData(userData)(folder);
    const [trashed] = await readdir(path.join(userData, 'Trash'));
    expect((await lstat(path.join(userData, 'Trash', trashed!))).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(elsewhere, 'model.onnx'))).toBe(true);
    expect((await listModels(library)).filter((m) => m.source === 'user')).toEqual([]);
  });

  it('a linked model folder whose disk is not connected is listed as unusable, says where it points, and its link can be removed', async () => {
    const disk = path.join(tmp, 'external-disk');
    await fineTune(path.join(disk, 'holiday'), 'holiday', 'Holiday fine-tune');
    const models = path.join(tmp, 'unplugged');
    await mkdir(models, { recursive: true });
    await symlink(path.join(disk, 'holiday'), path.join(models, 'holiday'), 'dir');
    const library = { userModelsDir: models };
    expect((await listModels(library)).map((m) => m.id)).toContain('holiday');
    await rename(disk, `${disk}-unplugged`);
    expect((await listModels(library)).map((m) => m.id)).not.toContain('holiday');
    expect(await unlistedModels(library)).toEqual([
      { id: 'holiday', source: 'user', reason: `its folder links to ${path.join(disk, 'holiday')}, which is not there (is the disk it is on connected?)` },
    ]);
    await expect(resolveModel('holiday', library)).rejects.toThrow(/The model "holiday" cannot be used: its folder links to .*which is not there/);
    const link = await userModelFolder('holiday', library);
    expect(link).toBe(path.join(models, 'holiday'));
    await trashInUserData(path.join(tmp, 'user-data-2'))(link);
    expect(await unlistedModels(library)).toEqual([]);
    expect(existsSync(path.join(`${disk}-unplugged`, 'holiday', 'model.onnx'))).toBe(true);
  });
});
