import { execFileSync } from 'node:child_process';
import { readdir, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * The editor keeps each result (a full-size PNG) in userData until it is saved: with that disk
 * nearly full, a deblur is refused before its first tile, in words about that disk, not after the
 * whole deblur with the internal result file's path. A real small disk (tmpfs) needs root to
 * mount; without it the suite is skipped.
 */
describe.skipIf(process.getuid?.() !== 0)('the editor with its data on a nearly full disk', () => {
  let t: ServicesUnderTest | undefined;
  let userData = '';
  let mounted = false;
  beforeAll(async () => {
    t = await startTestServices('editor-full-disk', {
      beforeStart: (dir) => {
        userData = dir;
        try {
          // Room for a small photo's result, not for a 3 MP one's (9.4 MB of pixels).
          execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'ignore' });
          mounted = true;
        } catch {
          // Not allowed here: the tests skip.
        }
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.services.close();
    if (mounted) execFileSync('umount', [userData]);
  });

  const open = async (file: string) => ok<OpenImageResult>(await t!.services.dispatch('image:open', { path: file }));
  const deblur = async (image: OpenImageResult): Promise<JobSnapshot[]> => {
    const { jobId } = ok<{ jobId: string }>(await t!.services.dispatch('job:deblur', { imageId: image.imageId, strength: 1, modelId: 'placeholder' }));
    return followJob(t!.services, jobId);
  };
  const failure = (updates: JobSnapshot[]) => {
    const end = updates.at(-1)!.state;
    return end.status === 'failed' ? end.error : null;
  };
  const results = async () => (await readdir(path.join(userData, 'results'))).filter((name) => !name.startsWith('.'));
  /** Failed in the editor's words (what is free and needed), without the internal result path, and nothing kept. */
  const expectSpaceRefusal = async (updates: JobSnapshot[]) => {
    const error = failure(updates);
    expect(error?.code).toBe('WRITE_FAILED');
    expect(error?.message).not.toContain('results/job_');
    expect(error?.message).toMatch(/Unshake keeps each result until you save it, on the disk that holds its data \(.+\), which has (less than )?[\d.]+ MB free; this photo needs about [\d.]+ MB\. Free some space on that disk and deblur again\./);
    expect(await results()).toEqual([]);
  };

  it('a photo whose result cannot fit is refused before its first tile, saying what is free and needed', async (context) => {
    if (!mounted) context.skip();
    const updates = await deblur(await open(sharedPhoto('photos-extra/DIV2K-valid/0803.jpg')));
    expect(updates.filter((u) => u.state.status === 'running' && u.state.progress.stage.startsWith('Tile '))).toEqual([]);
    await expectSpaceRefusal(updates);
  }, 60_000);

  it('a disk that fills while the photo is deblurred fails it in the same words', async (context) => {
    if (!mounted) context.skip();
    const small = path.join(t!.workDir, 'small.jpg');
    await sharp(sharedPhoto('photos-extra/Kodak24/kodim01.png')).resize(160).jpeg().toFile(small);
    const image = await open(small);
    const { jobId } = ok<{ jobId: string }>(await t!.services.dispatch('job:deblur', { imageId: image.imageId, strength: 1, modelId: 'placeholder' }));
    // The space check is behind it once the engine reports: fill the disk before the result is written.
    let filled: Promise<void> | null = null;
    const off = t!.services.onJobUpdate((job) => {
      if (job.id !== jobId || filled || job.state.status !== 'running' || job.state.progress.stage === 'Starting') return;
      filled = statfs(userData).then(({ bavail, bsize }) => writeFile(path.join(userData, 'filler'), Buffer.alloc(bavail * bsize)));
    });
    const updates = await followJob(t!.services, jobId).finally(off);
    await filled;
    // Past the space check: the engine was at work when the disk filled.
    expect(updates.some((u) => u.state.status === 'running' && u.state.progress.stage !== 'Starting')).toBe(true);
    await expectSpaceRefusal(updates);
  }, 60_000);
});
