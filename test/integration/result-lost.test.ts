import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { cropUrl, resultPreviewUrl } from '../../electron/main/images/image-protocol.js';
import { followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A result's file removed or cut short after its deblur (by hand, a disk cleaner) is found when
 * the window next reads it: its job says so, in words naming the photo, instead of a bare 404.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg');
const LOST = /^The deblurred result of lion\.jpg is no longer there \(its file was removed or cut short\)\. Deblur again to remake it\.$/;

describe('a result whose file is gone', () => {
  let t: ServicesUnderTest | undefined;
  afterEach(async () => {
    await t?.services.close();
    t = undefined;
  });

  async function deblurred(): Promise<{ image: OpenImageResult; jobId: string; resultPath: string }> {
    const file = path.join(t!.workDir, 'lion.jpg');
    await sharp(PHOTO).resize(320, 240, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file);
    const image = ok<OpenImageResult>(await t!.services.dispatch('image:open', { path: file }));
    const { jobId } = ok<{ jobId: string }>(await t!.services.dispatch('job:deblur', { imageId: image.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await followJob(t!.services, jobId)).at(-1)!.state).toMatchObject({ status: 'done', result: { width: 320, height: 240 } });
    return { image, jobId, resultPath: path.join(t!.userDataDir, 'results', `${jobId}.png`) };
  }

  const crop = (jobId: string) => t!.services.handleImageRequest(cropUrl(jobId, { left: 0, top: 0, width: 64, height: 64 }));

  it.each([
    { how: 'deleted', spoil: (file: string) => rm(file) },
    { how: 'cut short', spoil: async (file: string) => writeFile(file, (await readFile(file)).subarray(0, 2000)) },
  ])('$how: its full-size crop and preview fail, its job says why (pushed, and on asking), Save says so, and Deblur again remakes it', async ({ spoil }) => {
    t = await startTestServices('result-lost');
    const { image, jobId, resultPath } = await deblurred();
    const pushed: JobSnapshot[] = [];
    const off = t.services.onJobUpdate((job) => pushed.push(job));
    await spoil(resultPath);

    expect((await crop(jobId)).status).toBe(404);
    const lost = { status: 'done', resultRemoved: true, resultLost: true };
    expect(pushed.filter((job) => job.id === jobId).at(-1)?.state).toEqual(lost);
    expect(ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId })).state).toEqual(lost);
    // Its preview is not served from memory any more either: the window drops "After".
    expect((await t.services.handleImageRequest(resultPreviewUrl(jobId))).status).toBe(404);
    expect(await t.services.dispatch('job:save', { jobId })).toMatchObject({ ok: false, error: { code: 'RESULT_NOT_KEPT', message: expect.stringMatching(LOST) } });
    off();

    const again = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: image.imageId, strength: 1, modelId: 'placeholder' })).jobId;
    expect((await followJob(t.services, again)).at(-1)!.state).toMatchObject({ status: 'done', result: { width: 320, height: 240 } });
    expect((await crop(again)).status).toBe(200);
  });

  it('a Save of a result deleted since says so, naming the photo, and the job is flagged', async () => {
    t = await startTestServices('result-lost-save');
    const { jobId, resultPath } = await deblurred();
    await rm(resultPath);
    expect(await t.services.dispatch('job:save', { jobId })).toMatchObject({ ok: false, error: { code: 'RESULT_NOT_KEPT', message: expect.stringMatching(LOST) } });
    expect(ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId })).state).toMatchObject({ resultRemoved: true, resultLost: true });
  });
});
