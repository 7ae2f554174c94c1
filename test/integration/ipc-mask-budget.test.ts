import { existsSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import { MAX_SELECTION_POINTS } from '../../electron/common/mask.js';
import { followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A selection's size is bounded as a whole, before main parses it: the per-shape limits alone let
 * one ~1 MB message (a stroke shared by many shapes, which structured clone keeps shared) expand
 * to millions of points in main's parse. Through the real dispatch and engine worker.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg'); // 1200 × 900

/** As over IPC: structured clone keeps shared references, as v8's serializer does. */
const overIpc = <T>(value: T): T => deserialize(serialize(value)) as T;

/** A closed free-hand outline as the editor's lasso records it (photo pixels, not whole numbers). */
function lasso(cx: number, cy: number, radius: number, points: number): [number, number][] {
  return Array.from({ length: points }, (_, i) => {
    const angle = (i / points) * 2 * Math.PI;
    const wobble = 1 + 0.05 * Math.sin(angle * 7);
    return [cx + radius * wobble * Math.cos(angle) + 0.37, cy + radius * wobble * Math.sin(angle) + 0.61];
  });
}

describe('the size of a selection sent to main', () => {
  let t: ServicesUnderTest;
  let imageId = '';
  beforeAll(async () => {
    t = await startTestServices('mask-budget');
    imageId = ok<OpenImageResult>(await t.services.dispatch('image:open', { path: PHOTO })).imageId;
  });
  afterAll(async () => {
    await t?.services.close();
  });

  it('refuses one stroke shared by many shapes at once, with what to do, before parsing its points', async () => {
    const stroke = Array.from({ length: 100_000 }, (_, i) => [i % 800, (i * 7) % 600]);
    const request = overIpc({ imageId, strength: 1, modelId: 'placeholder', mask: { shapes: Array.from({ length: 50 }, () => ({ kind: 'brush', points: stroke, radius: 1 })) } });
    expect(serialize(request).length, 'one small message').toBeLessThan(2 * 2 ** 20);
    const started = performance.now();
    const result = await t.services.dispatch('job:deblur', request);
    const seconds = (performance.now() - started) / 1000;
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining(`at most ${MAX_SELECTION_POINTS.toLocaleString('en')} outline points in all its shapes together; this one has 5,000,000`) },
    });
    // Parsed, the five million points took about ten seconds of main's event loop.
    expect(seconds).toBeLessThan(1);
    // No job: nothing was queued or journalled.
    expect(existsSync(path.join(t.userDataDir, 'jobs.jsonl'))).toBe(false);

    const tooMany = overIpc({ imageId, strength: 1, modelId: 'placeholder', mask: { shapes: Array.from({ length: 1_001 }, () => ({ kind: 'rect', x: 1, y: 1, width: 5, height: 5 })) } });
    expect(await t.services.dispatch('job:deblur', tooMany)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('at most 1,000 shapes; this one has 1,001') } });
  });

  it('deblurs a selection of ten of the longest outlines the lasso keeps', async () => {
    // The editor thins a lasso to 4,000 points at most (selection-overlay.svelte).
    const shapes = Array.from({ length: 10 }, (_, i) => ({ kind: 'polygon' as const, points: lasso(200 + 80 * i, 450, 120, 4_000) }));
    expect(shapes.reduce((n, s) => n + s.points.length, 0)).toBe(MAX_SELECTION_POINTS);
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', overIpc({ imageId, strength: 1, modelId: 'placeholder', mask: { shapes, feather: 4 } })));
    const last = (await followJob(t.services, jobId)).at(-1);
    expect(last?.state.status, JSON.stringify(last?.state)).toBe('done');
  });
});
