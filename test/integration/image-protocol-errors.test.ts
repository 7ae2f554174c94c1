import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import { cropUrl, previewUrl } from '../../electron/main/images/image-protocol.js';
import { ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A preview or 100 % crop the imaging process could not make (a damaged or deleted photo),
 * through the real services: still a 404 to the window, but its cause is logged and in the body.
 */
describe('image requests that fail', () => {
  let t: ServicesUnderTest | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.services.close();
    t = undefined;
  });

  it('log why, and say it in the answer', async () => {
    // Less than one preview held: a photo shown again has its preview made again from its file.
    t = await startTestServices('image-errors', { maxPreviewBytes: 1 });
    const open = async (name: string): Promise<OpenImageResult> => {
      const file = path.join(t!.workDir, name);
      await sharp(sharedPhoto('real-blur/lai_lion.jpg')).resize(800).jpeg({ quality: 90 }).toFile(file);
      return ok<OpenImageResult>(await t!.services.dispatch('image:open', { path: file }));
    };
    const cut = await open('cut.jpg');
    const gone = await open('gone.jpg');
    await open('newest.jpg');
    const logged: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));

    // Damaged since it was opened: not the file it was opened as, so no 100 % crop is cut from it.
    const whole = await readFile(path.join(t.workDir, 'cut.jpg'));
    await writeFile(path.join(t.workDir, 'cut.jpg'), whole.subarray(0, whole.length / 3));
    const crop = cropUrl(cut.imageId, { left: 600, top: 400, width: 100, height: 100 });
    const cropReply = await t.services.handleImageRequest(crop);
    expect(cropReply.status).toBe(404);
    expect(await cropReply.text()).toBe('Could not be made: cut.jpg changed on disk since it was opened: open it again.');

    // Deleted since, its preview let go of: it cannot be made again.
    await rm(path.join(t.workDir, 'gone.jpg'));
    const previewReply = await t.services.handleImageRequest(previewUrl(gone.imageId));
    expect(previewReply.status).toBe(404);
    expect(await previewReply.text()).toMatch(/^Could not be made: .*gone\.jpg/);

    expect(logged.map(([message]) => message)).toEqual([`[image] ${crop} could not be made:`, `[image] ${previewUrl(gone.imageId)} could not be made:`]);
    expect(logged.map(([, error]) => (error as { code?: string }).code)).toEqual(['FILE_CHANGED', 'FILE_NOT_FOUND']);
  });
});
