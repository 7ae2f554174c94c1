import { mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { jobEnds, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * Batches against what is already queued, through main's services and the REAL engine worker:
 * a second drop that reaches queued photos through a link adds no work, and Cancel batch is one
 * request, so no photo of the batch starts after it.
 */
type BatchReply = { runId: string; items: { jobId: string; input: string; output: string }[]; alreadyDone: { input: string; output: string }[]; leftOut: string[] };

describe('batches and the photos already queued', () => {
  let t: ServicesUnderTest;
  beforeAll(async () => {
    t = await startTestServices('batch-queued');
  });
  afterAll(() => t?.services.close());

  /** Every update of each job until it ends, from now on. */
  const follow = (jobIds: string[]) => {
    const seen = new Map<string, JobSnapshot[]>(jobIds.map((id) => [id, []]));
    let off = () => {};
    const ended = new Promise<void>((resolve) => {
      off = t.services.onJobUpdate((job) => {
        seen.get(job.id)?.push(job);
        const open = [...seen.values()].some((updates) => !['done', 'failed', 'cancelled'].includes(updates.at(-1)?.state.status ?? 'queued'));
        if (!open) resolve();
      });
    }).finally(() => off());
    return { seen, ended };
  };

  const photos = async (dir: string, names: readonly string[], width: number) => {
    await mkdir(dir, { recursive: true });
    for (const name of names) await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(width).jpeg().toFile(path.join(dir, `${name}.jpg`));
  };

  it('a second drop that reaches queued photos through a link queues none of them again, and says so', async () => {
    const wedding = path.join(t.workDir, 'wedding');
    const reception = path.join(wedding, 'reception');
    await photos(reception, ['kodim20', 'kodim21', 'kodim22'], 768);
    // The reviewer's layout: ceremony/linkdir -> ../reception, dropped as its own batch.
    await mkdir(path.join(wedding, 'ceremony'));
    const linkdir = path.join(wedding, 'ceremony', 'linkdir');
    await symlink('../reception', linkdir);
    const first = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [reception], strength: 1, modelId: 'placeholder' }));
    const following = follow(first.items.map((item) => item.jobId));
    const second = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [linkdir], strength: 1, modelId: 'placeholder' }));
    expect(first.items).toHaveLength(3);
    // As the same folder dropped again: none queued, each with the result its queued job writes.
    expect(second.items).toEqual([]);
    expect(second.alreadyDone).toEqual(first.items.map((item) => ({ input: path.join(linkdir, path.basename(item.input)), output: item.output })));
    expect(second.leftOut).toEqual([
      `3 photos are already queued in another batch, reached here through symbolic links (${path.join(linkdir, 'kodim20.jpg')} is ${path.join(reception, 'kodim20.jpg')}): each is deblurred once.`,
    ]);
    await following.ended;
    expect([...following.seen.values()].map((updates) => updates.at(-1)?.state.status)).toEqual(['done', 'done', 'done']);
    expect((await readdir(reception)).filter((f) => f.includes('-unshaken')).sort()).toEqual(['kodim20-unshaken.jpg', 'kodim21-unshaken.jpg', 'kodim22-unshaken.jpg']);
  });

  it('the same folder dropped twice at once is planned once: the second drop finds the first\'s photos under way', async () => {
    const card = path.join(t.workDir, 'card-twice');
    await photos(card, ['kodim03', 'kodim04', 'kodim05'], 512);
    const request = { paths: [card], strength: 1, modelId: 'placeholder' };
    const [first, second] = (await Promise.all([t.services.dispatch('job:batch', request), t.services.dispatch('job:batch', request)])).map((reply) => ok<BatchReply>(reply));
    expect(first!.items).toHaveLength(3);
    expect(second!.items).toEqual([]);
    expect(second!.alreadyDone).toEqual(first!.items.map(({ input, output }) => ({ input, output })));
    const ends = await jobEnds(t.services, first!.items);
    expect(ends.map((job) => job.state.status)).toEqual(['done', 'done', 'done']);
  });

  it('Cancel batch right after its first photo starts: no other photo of it ever runs', async () => {
    const shoot = path.join(t.workDir, 'shoot');
    await photos(shoot, ['kodim13', 'kodim14', 'kodim15', 'kodim16', 'kodim17'], 1024);
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [shoot], strength: 1, modelId: 'placeholder' }));
    const ids = reply.items.map((item) => item.jobId);
    const following = follow(ids);
    const started = new Promise<void>((resolve) => {
      const off = t.services.onJobUpdate((job) => {
        if (job.id === ids[0] && job.state.status === 'running') {
          off();
          resolve();
        }
      });
    });
    const now = ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId: ids[0]! }));
    if (now.state.status === 'queued') await started;
    const { cancelled } = ok<{ cancelled: number }>(await t.services.dispatch('job:batch-cancel', { runId: reply.runId }));
    await following.ended;
    const ran = ids.filter((id) => following.seen.get(id)!.some((update) => update.state.status === 'running'));
    expect(ran.every((id) => id === ids[0])).toBe(true);
    // The first photo is stopped (or, on a very slow machine, was done just before); the rest never ran.
    const ends = ids.map((id) => following.seen.get(id)!.at(-1)!.state.status);
    expect(ends.slice(1)).toEqual(ids.slice(1).map(() => 'cancelled'));
    expect(cancelled).toBe(ends.filter((status) => status === 'cancelled').length);
    // Asked again, or for a batch this session does not know: said, not thrown.
    expect(ok(await t.services.dispatch('job:batch-cancel', { runId: reply.runId }))).toEqual({ cancelled: 0 });
    expect(await t.services.dispatch('job:batch-cancel', { runId: 'batch_0123456789abcdef' })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
  });
});
