import { readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import { cropUrl, previewUrl } from '../../electron/main/images/image-protocol.js';
import { ratePhotoInPlace } from '../fixtures/tag-photo.js';
import { jobEnd, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * An open photo saved over by another program at the same size (a negated copy, as an edit in
 * Photoshop): through the real services, its 100 % crops, a preview made again and a new Deblur
 * are refused as "changed on disk" (they would be the new picture beside the old one's preview and
 * result), image:status says so for the window; the file as opened, put back, is served again.
 * Rated or keyworded meanwhile (its bytes change, not its pixels), it is still the photo opened.
 */
describe('an open photo changed on disk', () => {
  let t: ServicesUnderTest | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.services.close();
    t = undefined;
  });

  it('is refused for crops, previews and deblurs, and image:status says why', async () => {
    // Less than one preview held: the first photo's preview is made again from its file.
    t = await startTestServices('photo-changed', { maxPreviewBytes: 1 });
    const file = (name: string) => path.join(t!.workDir, name);
    const open = async (name: string): Promise<OpenImageResult> => {
      await sharp(sharedPhoto('real-blur/lai_lion.jpg')).resize(800, 600, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(file(name));
      return ok<OpenImageResult>(await t!.services.dispatch('image:open', { path: file(name) }));
    };
    const photo = await open('photo.jpg');
    const newest = await open('newest.jpg');
    const asOpened = await readFile(file('photo.jpg'));
    const crop = cropUrl(photo.imageId, { left: 100, top: 100, width: 64, height: 64 });
    const status = async (imageId: string) => ok<{ problem: unknown }>(await t!.services.dispatch('image:status', { imageId })).problem;
    const served = async (url: string) => (await t!.services.handleImageRequest(url)).status;
    vi.spyOn(console, 'error').mockImplementation(() => {});

    // Only touched (a backup tool, a sync): the same content is still the photo opened.
    await utimes(file('photo.jpg'), new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(await served(crop)).toBe(200);
    expect(await status(photo.imageId)).toBeNull();

    // Rated and keyworded in Lightroom, Bridge or digiKam (XMP written into the file): the same pixels.
    await ratePhotoInPlace(file('photo.jpg'));
    expect(await readFile(file('photo.jpg'))).not.toEqual(asOpened);
    expect(await status(photo.imageId)).toBeNull();
    expect(await served(crop)).toBe(200);
    expect(await served(previewUrl(photo.imageId))).toBe(200);
    const rated = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: photo.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await jobEnd(t.services, rated.jobId)).state).toMatchObject({ status: 'done' });
    // The newest photo's preview held again: the photo's is made again from its file below.
    expect(await served(previewUrl(newest.imageId))).toBe(200);

    // Saved over at the same size: another picture now.
    await sharp(asOpened).negate({ alpha: false }).jpeg({ quality: 90 }).toFile(file('edit.tmp'));
    await rename(file('edit.tmp'), file('photo.jpg'));
    const said = 'photo.jpg changed on disk since it was opened: open it again.';
    for (const url of [crop, previewUrl(photo.imageId)]) {
      const reply = await t.services.handleImageRequest(url);
      expect(reply.status, url).toBe(404);
      expect(await reply.text()).toBe(`Could not be made: ${said}`);
    }
    expect(await status(photo.imageId)).toEqual({ code: 'FILE_CHANGED', message: said });
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: photo.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await jobEnd(t.services, jobId)).state).toEqual({ status: 'failed', error: { code: 'FILE_CHANGED', message: said } });

    // The file as opened, put back: nothing latched, it is shown again.
    await writeFile(file('photo.jpg'), asOpened);
    expect(await status(photo.imageId)).toBeNull();
    expect(await served(crop)).toBe(200);
    expect(await served(previewUrl(photo.imageId))).toBe(200);

    // Deleted: said as such, not as changed.
    await rm(file('photo.jpg'));
    expect(await status(photo.imageId)).toEqual({ code: 'FILE_NOT_FOUND', message: 'photo.jpg can no longer be shown: it was moved, renamed or deleted since it was opened. Open it again from its new place.' });
    expect(await status('img_0123456789abcdef')).toMatchObject({ code: 'IMAGE_NOT_OPEN' });
  });
});
