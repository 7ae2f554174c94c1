import { createHash } from 'node:crypto';
import { renameSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { installUserModel } from './cli-run.js';
import { followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * The app's batch and its model, through main's services and the real engine: the model is
 * looked for before any photo is queued, and one that goes away mid-batch (or will not load)
 * fails one photo with why and stops the rest, instead of failing each photo alike.
 */
type BatchReply = { items: { jobId: string; input: string; output: string }[] };

describe('the model of a batch in the app', () => {
  let t: ServicesUnderTest;
  let folder = '';
  beforeAll(async () => {
    t = await startTestServices('batch-model');
    folder = path.join(t.workDir, 'card');
    await mkdir(folder);
    for (const name of ['kodim01', 'kodim02', 'kodim03', 'kodim04', 'kodim05']) {
      await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(96).png().toFile(path.join(folder, `${name}.png`));
    }
    await installUserModel(path.join(t.userDataDir, 'models'), 'street');
  });
  afterAll(() => t?.services.close());

  it('a model that is not installed is one error for the batch, and no photo is queued', async () => {
    const reply = await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'nope' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'MODEL_NOT_FOUND', message: expect.stringContaining('No model with id "nope" is installed') } });
    expect(ok<unknown[]>(await t.services.dispatch('job:batch-runs', {}))).toEqual([]);
  });

  it('a model removed mid-batch (by the command line, a file manager) fails one photo with why; the rest are stopped for Run again', async () => {
    const modelDir = path.join(t.userDataDir, 'models', 'street');
    let removed = false;
    // Synchronously as the first photo is done, before the job manager starts the next one.
    const off = t.services.onJobUpdate((job) => {
      if (removed || job.kind !== 'batch-item' || job.state.status !== 'done') return;
      removed = true;
      renameSync(modelDir, path.join(t.workDir, 'street-trashed'));
    });
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'street' }));
    const ends: JobSnapshot[] = await Promise.all(reply.items.map(async (item) => (await followJob(t.services, item.jobId)).at(-1)!));
    off();
    expect(ends.map((e) => e.state.status)).toEqual(['done', 'failed', 'cancelled', 'cancelled', 'cancelled']);
    expect(ends[1]!.state).toMatchObject({
      error: {
        code: 'MODEL_NOT_FOUND',
        message: expect.stringMatching(
          /^The model "street" cannot be used \(No model with id "street" is installed [^)]*\)\)\. The rest of the batch was stopped: Run again once the model is back or repaired, or drop the folder again with another model\.$/,
        ),
      },
    });
    expect(await readdir(folder)).toContain('kodim01-unshaken.png');
  });

  it('a model ONNX Runtime cannot load fails the first photo with why, and the rest are stopped', async () => {
    const models = path.join(t.userDataDir, 'models');
    await installUserModel(models, 'junk');
    // Its checksum matches: only loading it shows it is no model.
    const junk = Buffer.from('not an onnx model');
    await writeFile(path.join(models, 'junk', 'model.onnx'), junk);
    const manifest = path.join(models, 'junk', 'junk.manifest.json');
    await writeFile(manifest, JSON.stringify({ ...(JSON.parse(await readFile(manifest, 'utf8')) as object), sha256: createHash('sha256').update(junk).digest('hex') }));
    const card = path.join(t.workDir, 'card-junk');
    await cp(folder, card, { recursive: true, filter: (from) => !from.includes('-unshaken') });
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [card], strength: 1, modelId: 'junk' }));
    const ends: JobSnapshot[] = await Promise.all(reply.items.map(async (item) => (await followJob(t.services, item.jobId)).at(-1)!));
    expect(ends.map((e) => e.state.status)).toEqual(['failed', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    // Stopped by the app, not cancelled by the user: Run again and a resume still do them.
    for (const end of ends.slice(1)) expect(end.state).toEqual({ status: 'cancelled', stopped: 'model-unusable' });
    expect(ends[0]!.state).toMatchObject({ error: { code: 'MODEL_INVALID', message: expect.stringMatching(/^The model "junk" cannot be used \(.*could not be loaded by ONNX Runtime/) } });
  });
});
