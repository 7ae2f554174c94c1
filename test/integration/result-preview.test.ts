import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { cropUrl, resultPreviewUrl } from '../../electron/main/images/image-protocol.js';
import type { EngineClient } from '../../electron/main/engine/engine-client.js';
import { firstTile, followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A deblur that ends `done` has a result on screen: its preview is read under the limit the
 * deblur ran with (not a "Largest photo" lowered meanwhile), and one that cannot be made fails
 * the job with a message naming the photo, instead of `done` with an empty "After" and no word.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg');

describe('the result of a deblur on screen', () => {
  let t: ServicesUnderTest | undefined;
  afterEach(async () => {
    await t?.services.close();
    t = undefined;
  });

  async function open(name: string, width: number, height: number): Promise<OpenImageResult> {
    const file = path.join(t!.workDir, name);
    await sharp(PHOTO).resize(width, height, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file);
    return ok<OpenImageResult>(await t!.services.dispatch('image:open', { path: file }));
  }

  const deblur = async (image: OpenImageResult) =>
    ok<{ jobId: string }>(await t!.services.dispatch('job:deblur', { imageId: image.imageId, strength: 1, modelId: 'placeholder' })).jobId;

  it('a "Largest photo" lowered while the deblur runs still shows, crops and saves its result; the next photo that size is refused', async () => {
    t = await startTestServices('preview-limit');
    const image = await open('wide.jpg', 2000, 1000);
    const jobId = await deblur(image);
    const ended = followJob(t.services, jobId);
    await firstTile(t.services, jobId);
    // Mid-inference, so the result's preview is made under the new limit.
    ok(await t.services.dispatch('settings:set', { maxMegapixels: 1 }));
    const final = (await ended).at(-1)!;
    expect(final.state).toMatchObject({ status: 'done', result: { width: 2000, height: 1000 } });

    expect((await t.services.handleImageRequest(resultPreviewUrl(jobId))).status).toBe(200);
    expect((await t.services.handleImageRequest(cropUrl(jobId, { left: 0, top: 0, width: 64, height: 64 }))).status).toBe(200);
    // At the deblur's strength, and below it (which reads the original photo again).
    for (const strength of [undefined, 0.5]) {
      const saved = ok<{ path: string }>(await t.services.dispatch('job:save', { jobId, ...(strength === undefined ? {} : { strength }) }));
      expect(await sharp(saved.path).metadata()).toMatchObject({ width: 2000, height: 1000 });
    }
    // The lowered limit still guards what is opened next, and names that photo.
    expect(await t.services.dispatch('image:open', { path: image.path })).toMatchObject({
      ok: false,
      error: { code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/^wide\.jpg is 2\.0 megapixels/) },
    });
  });

  it('a deblur queued behind a batch runs under the limit in force when it was asked for, as the batch does', async () => {
    t = await startTestServices('queued-limit');
    const folder = path.join(t.workDir, 'card');
    await mkdir(folder);
    for (const name of ['a', 'b']) await sharp(PHOTO).resize(1600, 1200).jpeg().toFile(path.join(folder, `${name}.jpg`));
    const image = await open('text.jpg', 1200, 900);
    const batch = ok<{ items: { jobId: string }[] }>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' }));
    const batchEnds = Promise.all(batch.items.map((item) => followJob(t!.services, item.jobId)));
    await firstTile(t.services, batch.items[0]!.jobId);
    // Asked for while a batch photo runs: it waits its turn, and the limit is lowered meanwhile.
    const jobId = await deblur(image);
    const ended = followJob(t.services, jobId);
    ok(await t.services.dispatch('settings:set', { maxMegapixels: 1 }));
    expect(ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId })).state.status).toBe('queued');
    expect((await ended).at(-1)!.state).toMatchObject({ status: 'done', result: { width: 1200, height: 900 } });
    expect((await batchEnds).map((updates) => updates.at(-1)!.state.status)).toEqual(['done', 'done']);
  });

  it('a result whose preview dies with the imaging process fails its job, naming the photo and why; Deblur again shows it', async () => {
    let killed = 0;
    // The real imaging engine, its process killed as the system does when memory runs out,
    // right after the job asks it for the result's preview.
    const killResultPreview = (imaging: EngineClient): EngineClient => ({
      request: (command, payload, options) => {
        const pending = imaging.request(command, payload, options);
        const file = (payload as { path?: string }).path ?? '';
        if (command === 'preview' && killed === 0 && path.basename(path.dirname(file)) === 'results') {
          killed++;
          process.kill(imaging.workerPid()!, 'SIGKILL');
        }
        return pending;
      },
      workerPid: () => imaging.workerPid(),
      close: () => imaging.close(),
    });
    t = await startTestServices('preview-killed', { wrapImaging: killResultPreview });
    const image = await open('lion.jpg', 480, 320);

    const first = await deblur(image);
    const failed: JobSnapshot = (await followJob(t.services, first)).at(-1)!;
    expect(killed).toBe(1);
    expect(failed.state).toEqual({
      status: 'failed',
      error: {
        code: 'WORKER_CRASHED',
        message: expect.stringMatching(/^lion\.jpg was deblurred, but its result could not be shown: .*ran out of memory.* Press Deblur to run it again\.$/),
      },
    });
    // Nothing left of it to save by mistake.
    expect(await t.services.dispatch('job:save', { jobId: first })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_DONE' } });
    const resultsDir = path.join(t.userDataDir, 'results');
    expect(existsSync(path.join(resultsDir, `${first}.png`))).toBe(false);

    const second = await deblur(image);
    expect((await followJob(t.services, second)).at(-1)!.state).toMatchObject({ status: 'done', result: { width: 480, height: 320 } });
    expect(await readdir(resultsDir)).toEqual([`${second}.png`]);
  });
});
