import { readdirSync, watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { cropUrl } from '../../electron/main/images/image-protocol.js';
import { firstTile, followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * What one engine process must not do to another's work: a long deblur holds up neither opening
 * photos nor 100 % crops (they have a process of their own), and an engine killed mid-Save leaves
 * no temp file beside the photo.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg');

describe('engine processes apart, with the real services', () => {
  let t: ServicesUnderTest;
  let photosDir = '';
  beforeAll(async () => {
    t = await startTestServices('isolation');
    photosDir = path.join(t.workDir, 'photos');
    await mkdir(photosDir);
  });
  afterAll(() => t?.services.close());

  const open = (file: string) => t.services.dispatch('image:open', { path: file });

  it('opens another photo, and serves 100 % crops, while a long deblur runs: they do not wait for its tiles', async () => {
    // 4000 × 3000 with the shipped model: a dozen 1-MP tiles, many seconds on a CPU.
    const big = path.join(photosDir, 'big.jpg');
    await sharp(PHOTO).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(big);
    const opened = ok<OpenImageResult>(await open(big));
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'base' }));
    const end = followJob(t.services, jobId);
    await firstTile(t.services, jobId);
    /** The deblur's tile now, and its number of tiles; Infinity once it has finished its tiles. */
    const tileNow = async () => {
      const job = ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId }));
      const [, tile, tiles] = (job.state.status === 'running' && /^Tile (\d+) of (\d+)/.exec(job.state.progress.stage)) || [];
      return tile ? { tile: Number(tile), tiles: Number(tiles) } : { tile: Infinity, tiles: NaN };
    };
    const before = await tileNow();
    expect(before.tiles).toBeGreaterThanOrEqual(12);
    // Opening a photo and a crop of the big one are two and one engine requests: served between
    // tiles of the deblur's process, each waited for several tiles.
    const other = ok<OpenImageResult>(await open(PHOTO));
    expect(other.fileName).toBe(path.basename(PHOTO));
    const crop = await t.services.handleImageRequest(cropUrl(opened.imageId, { left: 1800, top: 1300, width: 400, height: 300 }));
    expect(crop.status).toBe(200);
    // Well before the deblur's end (it is a tile or two further on, on a busy machine): nothing
    // waited for its tiles. In its own process, the open waited for all of them.
    expect((await tileNow()).tile - before.tile).toBeLessThan((before.tiles - before.tile) / 2);
    ok(await t.services.dispatch('job:cancel', { jobId }));
    expect((await end).at(-1)?.state.status).toBe('cancelled');
  });


  it('a Save whose engine dies mid-write leaves no temp file beside the photo, and the next Save works', async () => {
    const folder = path.join(photosDir, 'crash-save');
    await mkdir(folder);
    const photo = path.join(folder, 'big.jpg');
    // 12 MP of noise: the carrier and the encode take long enough for the kill to land mid-write.
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } }).jpeg({ quality: 90 }).toFile(photo);
    const opened = ok<OpenImageResult>(await open(photo));
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await followJob(t.services, jobId)).at(-1)?.state.status).toBe('done');
    const temps = () => readdirSync(folder).filter((name) => /^\.big-unshaken\.tif\.unshake-/.test(name));
    // Killed as soon as one of its temp files is there: seen through fs.watch, no sleeps.
    let killed = false;
    const watcher = watch(folder, () => {
      if (killed || temps().length === 0) return;
      killed = true;
      process.kill(t.engine.workerPid()!, 'SIGKILL');
    });
    const crashed = await t.services.dispatch('job:save', { jobId, format: 'tiff' });
    watcher.close();
    expect(killed, 'the kill landed while a temp file existed').toBe(true);
    expect(crashed).toMatchObject({ ok: false, error: { code: 'WORKER_CRASHED' } });
    expect(temps()).toEqual([]);
    // The engine restarts for the next Save, which writes the file whole.
    const saved = ok<{ path: string }>(await t.services.dispatch('job:save', { jobId, format: 'tiff' }));
    expect(path.basename(saved.path)).toBe('big-unshaken.tif');
    expect((await sharp(saved.path).metadata()).width).toBe(4000);
    expect(readdirSync(folder).sort()).toEqual(['big-unshaken.tif', 'big.jpg']);
  });
});
