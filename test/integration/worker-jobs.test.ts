import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import { UnshakeError } from '../../model/src/errors.js';
import { firstTile, followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * Cancelling and crashing with the real worker. A 2400×1800 copy of a real photo gives the
 * placeholder model ~20 tiles, so "after the first tile" is reliably mid-job.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg');

describe('jobs on the real engine worker: cancel and crash', () => {
  let t: ServicesUnderTest;
  let big = '';
  let imageId = '';

  beforeAll(async () => {
    t = await startTestServices('jobs');
    big = path.join(t.workDir, 'big.jpg');
    await sharp(PHOTO).resize(2400, 1800).jpeg({ quality: 90 }).toFile(big);
    imageId = ok<OpenImageResult>(await t.services.dispatch('image:open', { path: big })).imageId;
  });
  afterAll(async () => {
    await t?.services.close();
  });

  const deblur = async () =>
    ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId, strength: 1, modelId: 'placeholder' })).jobId;
  const results = () => readdir(path.join(t.userDataDir, 'results'));

  it('the worker stops a cancelled deblur mid-way and writes nothing', async () => {
    const outPath = path.join(t.workDir, 'engine-direct.png');
    const controller = new AbortController();
    const tiles: string[] = [];
    const run = t.engine.request(
      'deblur',
      { path: big, outPath, strength: 1, modelId: 'placeholder', userModelsDir: path.join(t.userDataDir, 'models'), maxMegapixels: 100, preferredProvider: 'cpu' },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage.startsWith('Tile')) tiles.push(p.stage);
          if (tiles.length === 1) controller.abort();
        },
      },
    );
    const error = await run.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(UnshakeError);
    expect((error as UnshakeError).code).toBe('CANCELLED');
    const total = Number(/of (\d+)/.exec(tiles[0] ?? '')?.[1]);
    expect(total).toBeGreaterThan(4);
    expect(tiles.length).toBeLessThan(total);
    expect(existsSync(outPath)).toBe(false);
  });

  it('cancels a queued job and a running one; the next job still runs', async () => {
    const running = await deblur();
    const queued = await deblur();
    const runningEnd = followJob(t.services, running);
    await firstTile(t.services, running);
    expect(ok(await t.services.dispatch('job:status', { jobId: queued }))).toMatchObject({ state: { status: 'queued' } });
    expect(await t.services.dispatch('job:cancel', { jobId: queued })).toEqual({ ok: true, value: { cancelled: true } });
    expect(await t.services.dispatch('job:cancel', { jobId: running })).toEqual({ ok: true, value: { cancelled: true } });
    expect((await runningEnd).at(-1)?.state).toEqual({ status: 'cancelled' });
    expect(ok(await t.services.dispatch('job:status', { jobId: queued }))).toMatchObject({ state: { status: 'cancelled' } });

    const next = await deblur();
    // The result preview fits the screen-preview edge (2048), not the 2400×1800 result itself.
    expect((await followJob(t.services, next)).at(-1)?.state).toEqual({
      status: 'done',
      result: { previewUrl: `unshake-image://result/${next}`, width: 2048, height: 1536 },
    });
    const files = await results();
    expect(files).toContain(`${next}.png`);
    expect(files.filter((f) => f.startsWith(running) || f.startsWith(queued))).toEqual([]);
    expect(await t.services.dispatch('job:save', { jobId: running })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_DONE' } });
    expect((await t.services.handleImageRequest(`unshake-image://result/${running}`)).status).toBe(404);
  });

  it('fails a job whose worker dies with WORKER_CRASHED, and restarts the worker for the next', async () => {
    const doomed = await deblur();
    const doomedEnd = followJob(t.services, doomed);
    await firstTile(t.services, doomed);
    const pid = t.engine.workerPid();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    const last = (await doomedEnd).at(-1);
    expect(last?.state).toMatchObject({ status: 'failed', error: { code: 'WORKER_CRASHED' } });
    expect(last?.state.status === 'failed' && last.state.error.message).toBe(
      'The engine process was stopped by the system (SIGKILL), most often because the computer ran out of memory; it will restart for the next job.',
    );
    expect(await results()).not.toContain(`${doomed}.png`);

    const next = await deblur();
    expect((await followJob(t.services, next)).at(-1)?.state).toMatchObject({ status: 'done', result: { width: 2048 } });
    expect(t.engine.workerPid()).not.toBe(pid);
    // The image registry lives in main, so the photo is still open after the restart.
    expect((await t.services.handleImageRequest(`unshake-image://preview/${imageId}`)).status).toBe(200);
  });
});
