import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, repoRoot, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/** Removing a model through the services and the real engine: only the chosen model's own folder, to the trash. */
describe('removing a model', () => {
  let t: ServicesUnderTest;
  const models = () => path.join(t.userDataDir, 'models');
  const listed = async () => ok<{ models: { id: string }[] }>(await t.services.dispatch('models:list', {})).models.map((m) => m.id);

  /** A copy of the placeholder model under `id`, its manifest in `folder`. */
  async function install(folder: string, id: string): Promise<void> {
    const dir = path.join(models(), folder);
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(repoRoot, 'model/weights/placeholder.onnx'), path.join(dir, `${id}.onnx`));
    const manifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as object;
    await writeFile(path.join(dir, `${id}.manifest.json`), JSON.stringify({ ...manifest, id, name: id, file: `${id}.onnx`, placeholder: false }));
  }

  beforeAll(async () => {
    t = await startTestServices('remove-model');
  });
  afterAll(() => t?.services.close());

  it('refuses a shipped model, and one whose folder holds other models too (they would go with it)', async () => {
    await install('pack', 'alpha');
    await install('pack', 'beta');
    expect(await t.services.dispatch('models:remove', { modelId: 'placeholder' })).toMatchObject({ ok: false, error: { message: '"placeholder" ships with Unshake and cannot be removed.' } });
    expect(await t.services.dispatch('models:remove', { modelId: 'alpha' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('is not in a folder of its own') } });
    expect(await listed()).toEqual(expect.arrayContaining(['alpha', 'beta']));
  });

  it('refuses a model an interrupted run starts from; once the run is discarded, the model goes to the trash', async () => {
    await install('solo', 'solo');
    const run = path.join(models(), '.training', 'night');
    await mkdir(run, { recursive: true });
    await writeFile(path.join(run, 'checkpoint.json'), JSON.stringify({ version: 1, step: 3, bin: 'weights-00000003.bin', tensors: [], state: { step: 3, outName: 'Night', baseId: 'solo', folder: '/photos' } }));
    expect(await t.services.dispatch('models:remove', { modelId: 'solo' })).toMatchObject({
      ok: false,
      error: { message: 'The interrupted training run “Night” starts from this model: resume or discard it first.' },
    });
    ok(await t.services.dispatch('train:discard', { runId: 'night' }));
    const removed = ok(await t.services.dispatch('models:remove', { modelId: 'solo' }));
    expect(existsSync(path.join(models(), 'solo'))).toBe(false);
    const trashed = await readdir(path.join(t.userDataDir, 'Trash'));
    expect(trashed).toEqual([expect.stringMatching(/^solo \d{4}-\d\d-\d\dT/)]);
    // Not the desktop's trash: the reply says where, for the window to say it.
    expect(removed).toEqual({ removed: true, keptAt: path.join(t.userDataDir, 'Trash', trashed[0]!) });
    expect(await readdir(path.join(t.userDataDir, 'Trash', trashed[0]!))).toEqual(['solo.manifest.json', 'solo.onnx']);
    expect(await listed()).not.toContain('solo');
  });
});
