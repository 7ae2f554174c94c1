import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, repoRoot, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/** Renaming a model through the services and the real library: only its manifest's name changes. */
describe('renaming a model', () => {
  let t: ServicesUnderTest;
  const models = () => path.join(t.userDataDir, 'models');
  const manifestOf = (id: string) => path.join(models(), id, `${id}.manifest.json`);
  const listed = async () => ok<{ models: { id: string; name: string }[] }>(await t.services.dispatch('models:list', {})).models;

  /** A copy of the placeholder model under `id` and `name`, in a folder of its own, as fine-tunes are saved. */
  async function install(id: string, name: string): Promise<void> {
    await mkdir(path.join(models(), id), { recursive: true });
    await copyFile(path.join(repoRoot, 'model/weights/placeholder.onnx'), path.join(models(), id, `${id}.onnx`));
    const manifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as object;
    await writeFile(manifestOf(id), JSON.stringify({ ...manifest, id, name, file: `${id}.onnx`, placeholder: false, extra: { kept: true } }));
  }

  beforeAll(async () => {
    t = await startTestServices('rename-model');
    await install('pairs', 'pairs');
    await install('street', 'Street');
  });
  afterAll(() => t?.services.close());

  it('rewrites only the name in the manifest; the id, the file and unknown fields stay', async () => {
    const before = JSON.parse(await readFile(manifestOf('pairs'), 'utf8')) as Record<string, unknown>;
    expect(ok(await t.services.dispatch('models:rename', { modelId: 'pairs', name: '  Harbour at dusk ' }))).toEqual({ from: 'pairs', to: 'Harbour at dusk' });
    const after = JSON.parse(await readFile(manifestOf('pairs'), 'utf8')) as Record<string, unknown>;
    expect(after).toEqual({ ...before, name: 'Harbour at dusk' });
    expect(await listed()).toContainEqual(expect.objectContaining({ id: 'pairs', name: 'Harbour at dusk' }));
    // Its own name in other letters is its own, not taken.
    expect(ok(await t.services.dispatch('models:rename', { modelId: 'pairs', name: 'HARBOUR  at Dusk' }))).toEqual({ from: 'Harbour at dusk', to: 'HARBOUR  at Dusk' });
  });

  it('refuses a shipped model, a name another model or an interrupted run has, and a bad name, in words', async () => {
    const refused = async (modelId: string, name: string) => (await t.services.dispatch('models:rename', { modelId, name })) as { ok: boolean; error?: { message: string } };
    expect(await refused('placeholder', 'Mine')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/ships with Unshake and cannot be renamed\.$/) } });
    expect(await refused('base', 'Mine')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/ships with Unshake and cannot be renamed\.$/) } });
    expect(await refused('pairs', ' street ')).toMatchObject({ ok: false, error: { message: 'Another model is already called “Street”: choose another name.' } });
    const run = path.join(models(), '.training', 'night');
    await mkdir(run, { recursive: true });
    await writeFile(path.join(run, 'checkpoint.json'), JSON.stringify({ version: 1, step: 3, bin: 'weights-00000003.bin', tensors: [], state: { step: 3, outName: 'Night', baseId: 'street', folder: '/photos' } }));
    expect(await refused('street', 'night')).toMatchObject({ ok: false, error: { message: expect.stringContaining('An interrupted training run “Night” already uses that name') } });
    expect(await refused('street', '   ')).toMatchObject({ ok: false, error: { message: expect.stringContaining('Give the model a name.') } });
    expect(await refused('street', 'a\tb')).toMatchObject({ ok: false, error: { message: expect.stringContaining('one line of text') } });
    expect(await refused('street', 'x'.repeat(101))).toMatchObject({ ok: false, error: { message: expect.stringContaining('at most 100 characters') } });
    // A run starting from it does not stop a rename: the run refers to the model by id.
    expect(ok(await t.services.dispatch('models:rename', { modelId: 'street', name: 'Street at night' }))).toEqual({ from: 'Street', to: 'Street at night' });
    expect(JSON.parse(await readFile(manifestOf('street'), 'utf8'))).toMatchObject({ id: 'street', name: 'Street at night' });
  });
});
