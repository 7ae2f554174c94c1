import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { IpcResponse, OpenImageResult } from '../../electron/common/ipc-contract.js';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import type { RegionMask } from '../../electron/common/mask.js';
import { cropUrl, resultPreviewUrl } from '../../electron/main/images/image-protocol.js';
import { followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * Deblur results (full-size lossless PNGs in userData/results) are kept while the window can show
 * or save them, not all session: a photo's two newest, none of a photo the registry forgot, and
 * within a size budget. A removed result's job says so, and Save on it says why, in words.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg');

describe('deblur results kept on disk', () => {
  let t: ServicesUnderTest | undefined;
  afterEach(async () => {
    await t?.services.close();
    t = undefined;
  });

  const resultFiles = async () => (await readdir(path.join(t!.userDataDir, 'results'))).filter((f) => f.endsWith('.png')).sort();
  const fileOf = (jobId: string) => `${jobId}.png`;
  const rect = (x: number): RegionMask => ({ shapes: [{ kind: 'rect', x, y: 40, width: 200, height: 200 }], feather: 8, invert: false });

  async function photo(name: string): Promise<OpenImageResult> {
    const file = path.join(t!.workDir, name);
    await sharp(PHOTO).resize(480).jpeg({ quality: 90 }).toFile(file);
    const opened = ok<OpenImageResult>(await t!.services.dispatch('image:open', { path: file }));
    ok(await t!.services.dispatch('editor:showing', { imageId: opened.imageId }));
    return opened;
  }

  /** Deblurs the photo on screen, as the editor does, and shows its result. */
  async function deblur(image: OpenImageResult, mask: RegionMask): Promise<string> {
    const { jobId } = ok<{ jobId: string }>(await t!.services.dispatch('job:deblur', { imageId: image.imageId, mask, strength: 1, modelId: 'placeholder' }));
    expect((await followJob(t!.services, jobId)).at(-1)?.state.status).toBe('done');
    ok(await t!.services.dispatch('editor:showing', { imageId: image.imageId, jobId }));
    return jobId;
  }

  const save = (jobId: string, strength?: number) => t!.services.dispatch('job:save', { jobId, ...(strength === undefined ? {} : { strength }) });

  it('a photo deblurred three times keeps its two newest results; the oldest says it is gone, and Save on it says why', async () => {
    t = await startTestServices('results-kept');
    const updates: JobSnapshot[] = [];
    t.services.onJobUpdate((job) => updates.push(job));
    const image = await photo('lion.jpg');
    const first = await deblur(image, rect(20));
    const second = await deblur(image, rect(140));
    expect(await resultFiles()).toEqual([fileOf(first), fileOf(second)].sort());

    const third = await deblur(image, rect(260));
    // The current result and the one a cancelled or failed re-run would bring back.
    expect(await resultFiles()).toEqual([fileOf(second), fileOf(third)].sort());
    const gone = ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId: first }));
    expect(gone.state).toMatchObject({ status: 'done', resultRemoved: true });
    expect(gone.state).not.toHaveProperty('result');
    // The window heard of it as it happened: the card stops offering Show.
    expect(updates.filter((job) => job.id === first).at(-1)?.state).toMatchObject({ resultRemoved: true });
    expect(await save(first)).toMatchObject({ ok: false, error: { code: 'RESULT_NOT_KEPT', message: expect.stringContaining('Deblur the photo again') } });
    expect((await t.services.handleImageRequest(resultPreviewUrl(first))).status).toBe(404);
    expect((await t.services.handleImageRequest(cropUrl(first, { left: 0, top: 0, width: 64, height: 64 }))).status).toBe(404);

    // Both kept results save, the previous one below its strength too.
    for (const [jobId, strength] of [[third, undefined], [second, 0.5]] as const) {
      const saved = ok<{ path: string }>(await save(jobId, strength));
      expect(existsSync(saved.path)).toBe(true);
    }
    // A reloaded window gets the old card back, saying its result is gone; its saves stay listed.
    const { deblurs } = ok<IpcResponse<'editorJobs'>>(await t.services.dispatch('job:editor-jobs', {}));
    expect(deblurs.map((d) => [d.job.id, 'resultRemoved' in d.job.state, d.saves.length])).toEqual([
      [first, true, 0],
      [second, false, 1],
      [third, false, 1],
    ]);
  }, 120_000);

  it('past the size budget, other photos’ results go, never those of the photo on screen', async () => {
    // A budget a single small result already fills.
    t = await startTestServices('results-budget', { resultsBudgetBytes: 1 });
    const a = await photo('a.jpg');
    const aJob = await deblur(a, rect(20));
    expect(await resultFiles()).toEqual([fileOf(aJob)]);
    const b = await photo('b.jpg');
    // Photo b on screen: the budget is paid with the other photo's results, never its own.
    expect(await resultFiles()).toEqual([]);
    expect(await save(aJob)).toMatchObject({ ok: false, error: { code: 'RESULT_NOT_KEPT' } });
    const bJob = await deblur(b, rect(20));
    const bAgain = await deblur(b, rect(140));
    expect(await resultFiles()).toEqual([fileOf(bJob), fileOf(bAgain)].sort());
    ok(await save(bJob));
  }, 120_000);

  it('a photo the registry forgets takes its results with it', async () => {
    t = await startTestServices('results-registry', { maxOpenImages: 2 });
    const a = await photo('a.jpg');
    const aJob = await deblur(a, rect(20));
    const b = await photo('b.jpg');
    const bJob = await deblur(b, rect(20));
    expect(await resultFiles()).toEqual([fileOf(aJob), fileOf(bJob)].sort());
    // A third photo: the registry forgets a, so nothing could show or deblur it again.
    await photo('c.jpg');
    expect(await resultFiles()).toEqual([fileOf(bJob)]);
    expect(await save(aJob)).toMatchObject({ ok: false, error: { code: 'RESULT_NOT_KEPT' } });
    ok(await save(bJob));
  }, 120_000);
});
