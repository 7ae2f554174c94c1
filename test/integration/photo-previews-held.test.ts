import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import type { EngineClient } from '../../electron/main/engine/engine-client.js';
import { previewUrl } from '../../electron/main/images/image-protocol.js';
import { jobEnd, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * Open photos hold their screen previews within a byte budget, not only a count: the oldest
 * previews are let go and made again, alike, when asked for; the photos themselves stay open.
 */
describe('previews of the photos opened this session', () => {
  let t: ServicesUnderTest | undefined;
  afterEach(async () => {
    await t?.services.close();
    t = undefined;
  });

  it('past the budget the oldest are let go, and made again alike when shown', async () => {
    const made: string[] = [];
    // The real imaging engine, counting the previews it is asked to make.
    const countPreviews = (imaging: EngineClient): EngineClient => ({
      request: (command, payload, options) => {
        if (command === 'preview') made.push(path.basename((payload as { path: string }).path));
        return imaging.request(command, payload, options);
      },
      workerPid: () => imaging.workerPid(),
      close: () => imaging.close(),
    });
    // Less than one preview: only the newest is held.
    t = await startTestServices('previews-held', { wrapImaging: countPreviews, maxPreviewBytes: 1 });
    const open = async (name: string, source: string): Promise<OpenImageResult> => {
      const file = path.join(t!.workDir, name);
      await sharp(sharedPhoto(`real-blur/${source}`)).resize(1200).jpeg({ quality: 92 }).toFile(file);
      return ok<OpenImageResult>(await t!.services.dispatch('image:open', { path: file, screenEdge: 1200 }));
    };
    const previewOf = async (image: OpenImageResult): Promise<Buffer> => {
      const response = await t!.services.handleImageRequest(previewUrl(image.imageId));
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };

    const lion = await open('lion.jpg', 'lai_lion.jpg');
    const lionPreview = await previewOf(lion);
    expect(made).toEqual(['lion.jpg']);
    const boat = await open('boat.jpg', 'lai_boat1.jpg');
    const bird = await open('bird.jpg', 'lai_bird.jpg');
    // The newest is held: shown without being made again.
    await previewOf(bird);
    expect(made).toEqual(['lion.jpg', 'boat.jpg', 'bird.jpg']);

    // The oldest was let go: shown again, it is made again from its file, the same size and pixels.
    const again = await previewOf(lion);
    expect(made).toEqual(['lion.jpg', 'boat.jpg', 'bird.jpg', 'lion.jpg']);
    expect(again.equals(lionPreview)).toBe(true);
    expect(await sharp(again).metadata()).toMatchObject({ width: lion.previewWidth, height: lion.previewHeight });
    // Made again, it is the newest held: asked again, it is not made a third time.
    await previewOf(lion);
    expect(made).toHaveLength(4);
    // The photo let go of is still open: it deblurs as any other.
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: boat.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await jobEnd(t.services, jobId)).state.status).toBe('done');
  });
});
