import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import { cropUrl, previewUrl } from '../../electron/main/images/image-protocol.js';
import { followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * The photo on screen keeps the "Largest photo" limit it was opened under for its preview and
 * 100 % crops; a new deblur of it obeys the limit in force now.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg');

describe('the photo on screen after "Largest photo" is lowered', () => {
  let t: ServicesUnderTest | undefined;
  afterEach(async () => {
    await t?.services.close();
    t = undefined;
  });

  it('still shows its preview and 100 % crop; a new Deblur of it fails, naming the photo', async () => {
    t = await startTestServices('photo-crop-limit');
    const file = path.join(t.workDir, 'wide.jpg');
    await sharp(PHOTO).resize(2000, 1000, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file);
    const image = ok<OpenImageResult>(await t.services.dispatch('image:open', { path: file }));
    ok(await t.services.dispatch('settings:set', { maxMegapixels: 1 }));

    expect((await t.services.handleImageRequest(previewUrl(image.imageId))).status).toBe(200);
    const crop = await t.services.handleImageRequest(cropUrl(image.imageId, { left: 1900, top: 900, width: 100, height: 100 }));
    expect(crop.status).toBe(200);
    expect(await sharp(Buffer.from(await crop.arrayBuffer())).metadata()).toMatchObject({ width: 100, height: 100 });

    // A new deblur reads the photo again: today's limit guards it, and says so.
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: image.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await followJob(t.services, jobId)).at(-1)!.state).toEqual({
      status: 'failed',
      error: { code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/^wide\.jpg is 2\.0 megapixels/) },
    });
  });
});
