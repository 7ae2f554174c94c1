import { execFileSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobEnds, kodakCard, ok, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * The app's batch on a card that cannot be written (write-protected, read-only, remounted
 * read-only mid-batch): one message, not the same failure for each photo after its decode. A
 * real read-only file system (tmpfs) needs root to mount; without it the suite is skipped.
 */
type BatchReply = { items: { jobId: string; input: string; output: string }[] };

describe.skipIf(process.getuid?.() !== 0)('a batch on a card that cannot be written', () => {
  let t: ServicesUnderTest;
  let card = '';
  let mounted = false;
  const mount = (options: string) => execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', card], { stdio: 'ignore' });
  beforeAll(async () => {
    t = await startTestServices('batch-read-only');
    card = path.join(t.workDir, 'card');
    await mkdir(card);
    try {
      mount('size=5m');
      mounted = true;
    } catch {
      return;
    }
    // One folder for each test: a batch the first queues (without the fix) never reaches the second's.
    for (const folder of ['locked', 'mid']) await kodakCard(path.join(card, folder), ['kodim01', 'kodim02', 'kodim03']);
    ok(await t.services.dispatch('settings:set', { batchResults: 'beside' }));
  });
  afterAll(async () => {
    await t?.services.close();
    if (mounted) execFileSync('umount', [card]);
  });

  it('a read-only card is refused when the batch is planned, before any photo', async (context) => {
    if (!mounted) context.skip();
    mount('remount,ro');
    const folder = path.join(card, 'locked');
    const reply = await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' });
    mount('remount,rw');
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('WRITE_FAILED');
    expect(reply.error.message).toContain(`${folder} cannot be written (it is on a read-only disk)`);
  });

  it('a card that turns read-only mid-batch fails one photo and stops the rest', async (context) => {
    if (!mounted) context.skip();
    const folder = path.join(card, 'mid');
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' }));
    expect(reply.items).toHaveLength(3);
    // Locked as the first photo ends: its listeners hear it before the queue starts the next.
    const off = t.services.onJobUpdate((job) => {
      if (job.id === reply.items[0]!.jobId && job.state.status === 'done') mount('remount,ro');
    });
    const ends = await jobEnds(t.services, reply.items).finally(off);
    mount('remount,rw');
    expect(ends.map((end) => end.state.status)).toEqual(['done', 'failed', 'cancelled']);
    expect(ends[1]!.state).toMatchObject({ error: { code: 'WRITE_FAILED' } });
    const failed = ends[1]!.state.status === 'failed' ? ends[1]!.state.error.message : '';
    expect(failed).toContain(`${folder} can no longer be written (it is on a read-only disk). The rest of the batch was stopped`);
    expect((await readdir(folder)).filter((name) => name.includes('-unshaken'))).toEqual(['kodim01-unshaken.jpg']);
  });
});
