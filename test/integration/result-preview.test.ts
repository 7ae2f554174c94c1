import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import { cropUrl, resultPreviewUrl } from '../../electron/main/images/image-protocol.js';
import { firstTile, followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A deblur that ends `done` has a result on screen: its preview is read under the limit the
 * deblur ran with, not a "Largest photo" lowered meanwhile.
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
});
