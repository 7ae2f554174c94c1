import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAME_MAX, modelNameSchema } from '../../../electron/common/model-id.js';
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

  it('a clashing name at the length limit keeps its " (2)" as read back, and Rename takes it', async () => {
    const models = path.join(tmp, 'long-models');
    const library = { userModelsDir: models };
    for (const length of [98, 99, 100]) {
      const long = `Long ${length} `.padEnd(length, 'x');
      await importModel(await modelFolder(path.join(tmp, 'usb-long', `a${length}`), `a${length}`, long), library);
      const other = await modelFolder(path.join(tmp, 'usb-long', `b${length}`), `b${length}`, long, (m) => delete m.sha256);
      await writeFile(path.join(other, 'model.onnx'), Buffer.concat([await readFile(path.join(other, 'model.onnx')), Buffer.from([length])]));
      const { name } = await importModel(other, library);
      expect(name).toMatch(/^Long \d+ x+…? \(2\)$/);
      expect(name.length).toBeLessThanOrEqual(MODEL_NAME_MAX);
      // As listed (the manifest read back through the schema): the same name, " (2)" still there.
      expect((await resolveModel(`b${length}`, library)).manifest.name).toBe(name);
      expect(modelNameSchema.safeParse(name).success).toBe(true);
      await rm(path.join(models, `a${length}`), { recursive: true });
      await rm(path.join(models, `b${length}`), { recursive: true });
    }
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

describe('Import model… reads only regular files', () => {
  const library = () => ({ userModelsDir: path.join(tmp, 'plain-models') });
  /** A model folder whose model.onnx (or manifest) is replaced by `make`. */
  async function oddFolder(name: string, what: 'model.onnx' | 'manifest', make: (file: string) => Promise<unknown>): Promise<string> {
    const dir = await modelFolder(path.join(tmp, 'odd', name), name, name);
    const file = path.join(dir, what === 'manifest' ? `${name}.manifest.json` : 'model.onnx');
    await rm(file);
    await make(file);
    return dir;
  }

  // Each once hung for ever (/dev/zero, a pipe), read 512 MB, threw a bare EISDIR or copied the file a link pointed to.
  it.each([
    ['a link to /dev/zero', 'zero', 'model.onnx', (f: string) => symlink('/dev/zero', f), /its model file model\.onnx is a link; Import model… copies only plain files/],
    ['a pipe (FIFO)', 'fifo', 'model.onnx', async (f: string) => execFileSync('mkfifo', [f]), /its model file model\.onnx is not a regular file \(it is a pipe\)/],
    ['a folder', 'folder', 'model.onnx', (f: string) => mkdir(f), /its model file model\.onnx is not a regular file \(it is a folder\)/],
    ['a link to another file', 'private', 'model.onnx', async (f: string) => symlink(await writePrivate(), f), /its model file model\.onnx is a link/],
    ['a manifest linking to /dev/zero', 'zero-manifest', 'manifest', (f: string) => symlink('/dev/zero', f), /its manifest zero-manifest\.manifest\.json is a link/],
    ['a manifest of 2 MB', 'big-manifest', 'manifest', (f: string) => writeFile(f, ' '.repeat(2 * 1024 ** 2)), /its manifest big-manifest\.manifest\.json is 2\.0 MB; a model manifest is a few KB/],
  ] as const)('%s is refused in words, at once, and nothing is copied', async (_, name, what, make, words) => {
    const dir = await oddFolder(name, what, make);
    const error = await importModel(dir, library()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(words) as unknown });
    expect(await readdir(library().userModelsDir).catch(() => [])).toEqual([]);
  });

  async function writePrivate(): Promise<string> {
    const file = path.join(tmp, 'private-notes.txt');
    await writeFile(file, 'not a model');
    return file;
  }

  it('the library lists a model whose manifest is over 1 MB as unusable, without reading it whole', async () => {
    const models = path.join(tmp, 'big-manifest-models');
    const dir = await modelFolder(path.join(models, 'big'), 'big', 'Big');
    await writeFile(path.join(dir, 'big.manifest.json'), ' '.repeat(2 * 1024 ** 2));
    expect(await unlistedModels({ userModelsDir: models })).toEqual([
      { id: 'big', source: 'user', reason: 'its manifest big.manifest.json is 2.0 MB; a model manifest is a few KB of JSON (is it the right file?)' },
    ]);
  });
});

describe('a model name from a manifest', () => {
  const evil = `Evil\u202Egpj.exe\nsecond line\u0007${'A'.repeat(5000)}`;
  const clean = `Evilgpj.exe second line ${'A'.repeat(75)}…`;

  it('is imported made one line, without direction controls, at most 100 characters; one with nothing to show is refused', async () => {
    const library = { userModelsDir: path.join(tmp, 'named-models') };
    const from = await modelFolder(path.join(tmp, 'named', 'evil'), 'evil', evil);
    expect(await importModel(from, library)).toEqual({ id: 'evil', name: clean });
    // Written so in the copy: Rename starts from it and can save it unchanged.
    const copied = JSON.parse(await readFile(path.join(library.userModelsDir, 'evil', 'evil.manifest.json'), 'utf8')) as { name: string };
    expect(copied.name).toBe(clean);
    expect((await listModels(library)).find((m) => m.id === 'evil')?.name).toBe(clean);

    const blank = await modelFolder(path.join(tmp, 'named', 'blank'), 'blank', '\u202E\n\u0007');
    await expect(importModel(blank, library)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/its manifest blank\.manifest\.json is not a model manifest \(name: must have something to show/) as unknown });
  });

  it('copied into the models folder by hand is listed with the same clean name', async () => {
    const models = path.join(tmp, 'hand-copied');
    await modelFolder(path.join(models, 'evil'), 'evil', evil);
    expect((await listModels({ userModelsDir: models })).find((m) => m.id === 'evil')?.name).toBe(clean);
  });
});
