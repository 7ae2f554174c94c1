import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../electron/common/job-state.js';
import type { JobResult } from '../../../electron/main/services/context.js';
import { createResultStore } from '../../../electron/main/services/result-store.js';

async function resultFile(name: string): Promise<JobResult> {
  const resultPath = path.join(await mkdtemp(path.join(os.tmpdir(), 'unshake-store-')), `${name}.png`);
  await writeFile(resultPath, 'a full-size lossless result');
  return { imageId: 'img_a', sourcePath: '/photos/a.jpg', sourceFormat: 'jpeg', source: {} as JobResult['source'], resultPath, strength: 1, maxMegapixels: 250, previewEdge: 2048 };
}

describe('the results main holds', () => {
  it('a removed result’s file waits for the save or preview reading it, and no new reader gets it', async () => {
    const forgotten: string[] = [];
    const store = createResultStore({ budgetBytes: 1, forgetPreview: (jobId) => forgotten.push(jobId) });
    const result = await resultFile('job_a');
    store.add('job_a', result, 27);
    const lease = store.lease('job_a')!;
    expect(store.reading()).toEqual(new Set(['job_a']));

    await store.remove(['job_a']);
    expect(existsSync(result.resultPath)).toBe(true);
    expect(store.get('job_a')).toBeUndefined();
    expect(store.lease('job_a')).toBeUndefined();
    expect(store.held()).toEqual([]);
    expect(forgotten).toEqual(['job_a']);

    lease.release();
    await expect.poll(() => existsSync(result.resultPath)).toBe(false);
  });

  it('a removed result’s done job drops its preview and says so, later than its done', async () => {
    const store = createResultStore({ budgetBytes: 1, forgetPreview: () => {} });
    store.add('job_a', await resultFile('job_a'), 27);
    const removed: string[] = [];
    store.onRemoved((jobId) => removed.push(jobId));
    const done: JobSnapshot = {
      id: 'job_a',
      kind: 'deblur',
      state: { status: 'done', result: { previewUrl: 'unshake-image://result/job_a', width: 4, height: 3 }, notes: ['a note'] },
      createdAt: 1,
      updatedAt: 2,
    };
    expect(store.view(done)).toBe(done);
    await store.remove(['job_a']);
    expect(removed).toEqual(['job_a']);
    const view = store.view(done);
    expect(view.state).toEqual({ status: 'done', notes: ['a note'], resultRemoved: true });
    expect(view.updatedAt).toBeGreaterThanOrEqual(done.updatedAt);
  });

  it('a result removed as lost (its file deleted or cut short) says so, and names its photo', async () => {
    const store = createResultStore({ budgetBytes: 1, forgetPreview: () => {} });
    store.add('job_a', await resultFile('job_a'), 27);
    store.add('job_b', await resultFile('job_b'), 27);
    await store.remove(['job_a'], { lost: true });
    await store.remove(['job_b']);
    const done = (id: string): JobSnapshot => ({ id, kind: 'deblur', state: { status: 'done' }, createdAt: 1, updatedAt: 2 });
    expect(store.view(done('job_a')).state).toEqual({ status: 'done', resultRemoved: true, resultLost: true });
    expect(store.view(done('job_b')).state).toEqual({ status: 'done', resultRemoved: true });
    expect([store.lostSource('job_a'), store.lostSource('job_b')]).toEqual(['/photos/a.jpg', undefined]);
  });
});
