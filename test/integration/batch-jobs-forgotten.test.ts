import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { jobEnds, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * Main remembers the newest 100 batches (batch.ts); the jobs of an older one are forgotten with
 * it, not kept all session. Real services and engine worker.
 */
type BatchReply = { runId: string; items: { jobId: string }[] };

describe('jobs of batches main no longer remembers', () => {
  let t: ServicesUnderTest;
  beforeAll(async () => {
    t = await startTestServices('batch-jobs-forgotten');
  });
  afterAll(() => t?.services.close());

  it('are forgotten with their batch; the newer ones stay', async () => {
    const card = path.join(t.workDir, 'card');
    await mkdir(card);
    await sharp(sharedPhoto('photos-extra/Kodak24/kodim01.png')).resize(256).jpeg().toFile(path.join(card, 'kodim01.jpg'));
    const batches: BatchReply[] = [];
    // The same folder, each batch cancelled at once: its photo is queued again by the next one.
    for (let n = 0; n < 101; n++) {
      const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [card], strength: 1, modelId: 'placeholder' }));
      expect(reply.items).toHaveLength(1);
      ok(await t.services.dispatch('job:batch-cancel', { runId: reply.runId }));
      await jobEnds(t.services, reply.items);
      batches.push(reply);
    }
    const status = (jobId: string) => t.services.dispatch('job:status', { jobId });
    expect(await status(batches[0]!.items[0]!.jobId)).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
    expect(ok<JobSnapshot>(await status(batches[1]!.items[0]!.jobId)).state.status).toBe('cancelled');
    // A reloaded window still gets the newest batches with their photos' states.
    const runs = ok<{ runId: string; jobs: JobSnapshot[] }[]>(await t.services.dispatch('job:batch-runs', {}));
    expect(runs[0]).toMatchObject({ runId: batches[100]!.runId, jobs: [{ id: batches[100]!.items[0]!.jobId, state: { status: 'cancelled' } }] });
  }, 300_000);
});
