import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnshakeError } from '../../../model/src/errors.js';
import { bundledModelsDir, listModels, resolveModel, unlistedModels, userModelFolder } from '../../../model/src/models/library.js';

let tmp: string;
const placeholderManifest = async () => JSON.parse(await readFile(path.join(bundledModelsDir(), 'placeholder.manifest.json'), 'utf8'));

/** A model folder holding a copy of the placeholder under `id`, with manifest overrides. */
async function modelDir(name: string, models: Record<string, object>): Promise<string> {
  const dir = path.join(tmp, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const base = await placeholderManifest();
  for (const [id, overrides] of Object.entries(models)) {
    await copyFile(path.join(bundledModelsDir(), 'placeholder.onnx'), path.join(dir, `${id}.onnx`));
    await writeFile(path.join(dir, `${id}.manifest.json`), JSON.stringify({ ...base, id, file: `${id}.onnx`, ...overrides }));
  }
  return dir;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UnshakeError);
  return (error as UnshakeError).code;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-lib-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('model library', () => {
  it('lists the bundled placeholder first behind a "base" alias', async () => {
    const models = await listModels({ bundledDir: await modelDir('only-placeholder', { placeholder: {} }) });
    expect(models.map((m) => m.id)).toEqual(['base', 'placeholder']);
    expect(models[0]).toMatchObject({ placeholder: true, source: 'bundled', parameters: 76 });
    expect(models[0]!.name).toContain('Placeholder (unsharp, untrained)');
    const shipped = await listModels();
    expect(shipped[0]!.id).toBe('base');
    expect(shipped.map((m) => m.id)).toContain('placeholder');
  });

  it('resolves "base" in the shipped weights folder to the trained model, else the placeholder', async () => {
    const trained = existsSync(path.join(bundledModelsDir(), 'unshake-base.manifest.json'));
    const model = await resolveModel('base');
    const id = trained ? 'unshake-base' : 'placeholder';
    expect(model.manifest.id).toBe(id);
    expect(model.onnxPath).toBe(path.join(bundledModelsDir(), `${id}.onnx`));
  });

  it('resolves "base" to unshake-base once it is bundled, else to a non-placeholder', async () => {
    const trained = await modelDir('bundled-trained', { placeholder: {}, 'unshake-base': { placeholder: false }, zeta: { placeholder: false } });
    expect((await resolveModel('base', { bundledDir: trained })).manifest.id).toBe('unshake-base');
    const other = await modelDir('bundled-other', { placeholder: {}, zeta: { placeholder: false } });
    expect((await resolveModel('base', { bundledDir: other })).manifest.id).toBe('zeta');
  });

  it('finds fine-tuned models in their own folder and ignores checkpoint dot-folders', async () => {
    const user = path.join(tmp, 'user-nested');
    await modelDir(path.join('user-nested', 'my-camera'), { 'my-camera': { placeholder: false, name: 'My camera' } });
    await modelDir(path.join('user-nested', '.training'), { scratch: { placeholder: false } });
    const ids = (await listModels({ userModelsDir: user })).map((m) => m.id);
    expect(ids).toContain('my-camera');
    expect(ids).not.toContain('scratch');
    const resolved = await resolveModel('my-camera', { userModelsDir: user });
    expect(resolved.source).toBe('user');
    expect(resolved.onnxPath).toBe(path.join(user, 'my-camera', 'my-camera.onnx'));
  });

  it('adds user models but never lets them shadow a bundled id', async () => {
    const user = await modelDir('user', { mine: { name: 'Mine' }, placeholder: { name: 'Impostor' }, base: { name: 'Alias thief' } });
    const models = await listModels({ userModelsDir: user });
    expect(models.map((m) => `${m.id}:${m.source}`)).toEqual([
      'base:bundled',
      ...(await listModels()).slice(1).map((m) => `${m.id}:bundled`),
      'mine:user',
    ]);
    expect((await resolveModel('placeholder', { userModelsDir: user })).manifest.name).not.toBe('Impostor');
    const base = await resolveModel('base', { userModelsDir: user });
    expect(base.source).toBe('bundled');
    expect(base.manifest.id).toBe((await resolveModel('base')).manifest.id);
    expect(base.manifest.name).not.toBe('Alias thief');
    expect((await resolveModel('mine', { userModelsDir: user })).source).toBe('user');
  });

  it('gives MODEL_NOT_FOUND for unknown ids and MODEL_INVALID for broken models', async () => {
    expect(await codeOf(resolveModel('nope'))).toBe('MODEL_NOT_FOUND');
    const user = await modelDir('broken', {
      badschema: { io: { inputName: 'blurred' } },
      escape: { file: '../placeholder.onnx' },
      checksum: { sha256: 'f'.repeat(64) },
      missing: { file: 'gone.onnx' },
    });
    await writeFile(path.join(user, 'garbage.manifest.json'), '{ not json');
    for (const id of ['badschema', 'escape', 'checksum', 'missing', 'garbage']) {
      expect(await codeOf(resolveModel(id, { userModelsDir: user })), id).toBe('MODEL_INVALID');
    }
    // Broken entries are left out of the list instead of breaking it (checksums are checked on use).
    expect((await listModels({ userModelsDir: user })).map((m) => m.id).slice(-1)).toEqual(['checksum']);
    expect((await listModels({ userModelsDir: user })).map((m) => m.id)).not.toContain('missing');
    // None is left out without a word: each says why, in words a photographer can act on.
    const unlisted = Object.fromEntries((await unlistedModels({ userModelsDir: user })).map((m) => [m.id, m.reason]));
    expect(unlisted).toEqual({
      badschema: expect.stringMatching(/^its manifest badschema\.manifest\.json is not a model manifest \(io\./),
      escape: 'file "../placeholder.onnx" must be a plain file name next to the manifest',
      garbage: expect.stringMatching(/^its manifest garbage\.manifest\.json is damaged \(not valid JSON: .+\)$/),
      missing: `its file gone.onnx is missing from ${user}`,
    });
    expect((await unlistedModels({ userModelsDir: user })).every((m) => m.source === 'user')).toBe(true);
  });

  it('a damaged model in a folder of its own can be removed: its folder is found', async () => {
    const user = path.join(tmp, 'user-damaged');
    await modelDir(path.join('user-damaged', 'night'), {});
    await writeFile(path.join(user, 'night', 'night.manifest.json'), '{ "id": "ni');
    expect((await unlistedModels({ userModelsDir: user })).map((m) => m.id)).toEqual(['night']);
    expect(await userModelFolder('night', { userModelsDir: user })).toBe(path.join(user, 'night'));
    // Loose in the models folder, it is not a folder of its own: refused with where its files are.
    await writeFile(path.join(user, 'loose.manifest.json'), 'nope');
    await expect(userModelFolder('loose', { userModelsDir: user })).rejects.toThrow(`remove its files from ${user} by hand`);
  });

  it('lists one model per id: a copied model folder never shadows the model stored under its own name', async () => {
    const user = path.join(tmp, 'user-copies');
    // "backup of crop" sorts first; the copy's manifest still says crop. Then a newer "crop".
    await modelDir(path.join('user-copies', 'backup of crop'), { crop: { placeholder: false, name: 'Old crop' } });
    await modelDir(path.join('user-copies', 'crop'), { crop: { placeholder: false, name: 'New crop' } });
    await modelDir(path.join('user-copies', 'other (copy)'), { other: { placeholder: false, name: 'Other' } });
    const listed = (await listModels({ userModelsDir: user })).filter((m) => m.source === 'user');
    expect(listed.map((m) => `${m.id}:${m.name}`)).toEqual(['crop:New crop', 'other:Other']);
    const resolved = await resolveModel('crop', { userModelsDir: user });
    expect(resolved.manifest.name).toBe('New crop');
    expect(resolved.onnxPath).toBe(path.join(user, 'crop', 'crop.onnx'));
    // A copy whose original is gone is still the model of that id.
    expect((await resolveModel('other', { userModelsDir: user })).manifest.name).toBe('Other');
  });

  it('says why a model file cannot be used: missing, not a file, or too large for ONNX', async () => {
    const user = await modelDir('unusable', { gone: {}, folder: {}, huge: {} });
    await rm(path.join(user, 'gone.onnx'));
    await rm(path.join(user, 'folder.onnx'));
    await mkdir(path.join(user, 'folder.onnx'));
    // Sparse: 3 GiB of nothing on disk.
    await rm(path.join(user, 'huge.onnx'));
    await writeFile(path.join(user, 'huge.onnx'), '');
    await truncate(path.join(user, 'huge.onnx'), 3 * 2 ** 30);
    const message = (id: string) => resolveModel(id, { userModelsDir: user }).then(() => '', (e: Error) => e.message);
    expect(await message('gone')).toMatch(/gone\.onnx is missing/);
    expect(await message('folder')).toMatch(/folder\.onnx is not a file/);
    expect(await message('huge')).toMatch(/huge\.onnx is 3\.0 GiB; ONNX models cannot exceed 2 GiB/);
  });

  it('finds a model by its name too when one has it, and lists the base alias among the ids', async () => {
    const user = await modelDir('by-name', { 'rev-one': { name: 'Rev one' }, 'twin-a': { name: 'Twin' }, 'twin-b': { name: 'Twin' } });
    expect((await resolveModel('rev one', { userModelsDir: user })).manifest.id).toBe('rev-one');
    // Two models of one name: neither is guessed.
    const twin = await resolveModel('Twin', { userModelsDir: user }).then(() => '', (e: Error) => e.message);
    expect(twin).toMatch(/^No model with id "Twin" is installed \(available: base, /);
  });

  it('says which model the "base" alias runs, so the two count as one', async () => {
    const [alias, ...rest] = await listModels();
    expect(alias!.id).toBe('base');
    const base = (await resolveModel('base')).manifest;
    expect(alias!.aliasOf).toBe(base.id);
    // The Model menu's tooltip: what the alias is, then what the model does, each said once.
    expect(alias!.description).toBe(`The best model shipped with this version of Unshake. ${base.description}`);
    expect(rest.every((m) => m.aliasOf === undefined)).toBe(true);
  });

  it('resolves "base" as the list shows it: a bundled model whose ONNX file is missing does not hide the working one', async () => {
    const dir = await modelDir('base-file-missing', { placeholder: {}, 'unshake-base': { placeholder: false } });
    await rm(path.join(dir, 'unshake-base.onnx'));
    const listed = await listModels({ bundledDir: dir });
    expect(listed.map((m) => m.id)).toEqual(['base', 'placeholder']);
    expect((await resolveModel('base', { bundledDir: dir })).manifest.id).toBe('placeholder');
    expect(await codeOf(resolveModel('unshake-base', { bundledDir: dir }))).toBe('MODEL_INVALID');
  });
});

describe('the default user models folder', () => {
  it('ignores an empty or relative XDG_CONFIG_HOME, as Electron does (the CLI and the app share one library)', async () => {
    const { defaultModelsDir } = await import('../../../model/src/models/user-models-dir.js');
    const saved = process.env.XDG_CONFIG_HOME;
    try {
      process.env.XDG_CONFIG_HOME = '';
      const fallback = defaultModelsDir();
      expect(path.isAbsolute(fallback)).toBe(true);
      process.env.XDG_CONFIG_HOME = 'relative/config';
      expect(defaultModelsDir()).toBe(fallback);
      process.env.XDG_CONFIG_HOME = path.join(tmp, 'config');
      expect(defaultModelsDir()).toBe(process.platform === 'linux' ? path.join(tmp, 'config', 'unshake', 'models') : fallback);
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    }
  });
});
