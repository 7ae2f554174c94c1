import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo, UnusableModel } from '../../electron/common/ipc-contract.js';
import type { Settings } from '../../electron/common/settings-schema.js';
import { encodeModel, node, tensorInfo } from '../../model/src/models/onnx-writer.js';
import { installModel } from '../fixtures/broken-models.js';
import { jobEnd, ok, repoRoot, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A user model ONNX Runtime cannot run (random bytes; another app's graph) is offered until its
 * first Deblur or fine-tune, then listed as unusable with ORT's reason and never kept as the
 * default (review of 2026-12-07: it stayed offered, and the next start opened with it).
 */
describe('a model that could not be run', () => {
  let t: ServicesUnderTest;
  const list = async () => ok<{ models: ModelInfo[]; unusable: UnusableModel[] }>(await t.services.dispatch('models:list', {}));
  const settings = async () => ok<Settings>(await t.services.dispatch('settings:get', {}));
  const choose = async (id: string) => ok<Settings>(await t.services.dispatch('settings:set', { defaultModelId: id }));

  beforeAll(async () => {
    t = await startTestServices('model-failed-run');
    const models = path.join(t.userDataDir, 'models');
    await installModel(models, 'noise', randomBytes(50_000));
    // Another app's model: a Relu from "x" to "y", not the "blurred" → "sharp" the manifest says.
    const relu = encodeModel({ name: 'relu', inputs: [tensorInfo('x', [1, 3, 4, 4])], outputs: [tensorInfo('y', [1, 3, 4, 4])], initializers: [], nodes: [node('Relu', ['x'], ['y'])] });
    await installModel(models, 'other-app', relu);
    await installModel(models, 'night', await readFile(path.join(repoRoot, 'model/weights/placeholder.onnx')));
  });
  afterAll(() => t?.services.close());

  it('a Deblur with random bytes lists it as unusable with ORT’s reason, and the default goes back to the one before', async () => {
    expect((await list()).models.map((m) => m.id)).toEqual(expect.arrayContaining(['noise', 'other-app', 'night']));
    await choose('night');
    await choose('noise');
    const photo = path.join(t.workDir, 'ladybird.jpg');
    await copyFile(path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg'), photo);
    const { imageId } = ok<{ imageId: string }>(await t.services.dispatch('image:open', { path: photo }));
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId, strength: 1, modelId: 'noise' }));
    const end = await jobEnd(t.services, jobId);
    expect(end.state).toMatchObject({ status: 'failed', error: { code: 'MODEL_INVALID', message: expect.stringContaining('Protobuf parsing failed') } });

    const { models, unusable } = await list();
    expect(models.map((m) => m.id)).not.toContain('noise');
    expect(unusable).toContainEqual({ id: 'noise', source: 'user', reason: expect.stringMatching(/^it could not be run \(The model file .* could not be loaded by ONNX Runtime: .*Protobuf parsing failed/) });
    // The next start opens with the model chosen before it, and it cannot be made the default again.
    expect((await settings()).defaultModelId).toBe('night');
    expect((await choose('noise')).defaultModelId).toBe('night');
  });

  it('a fine-tune from another app’s model marks it the same way; other models stay offered', async () => {
    await choose('other-app');
    const folder = path.join(t.workDir, 'pairs');
    await mkdir(folder, { recursive: true });
    const start = await t.services.dispatch('train:start', { baseModelId: 'other-app', source: 'pairs', folder, name: 'From relu', steps: 1 });
    expect(start).toMatchObject({ ok: false, error: { code: 'MODEL_INVALID', message: expect.stringContaining('expected one input "blurred", found ["x"]') } });
    const { models, unusable } = await list();
    expect(unusable).toContainEqual({ id: 'other-app', source: 'user', reason: expect.stringContaining('does not match its manifest: expected one input "blurred", found ["x"]') });
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['night', 'base']));
    expect((await settings()).defaultModelId).toBe('night');
  });

  it('a model file replaced since (imported again, mended) is offered again', async () => {
    await writeFile(path.join(t.userDataDir, 'models', 'noise', 'model.onnx'), randomBytes(50_001));
    expect((await list()).models.map((m) => m.id)).toContain('noise');
  });
});
