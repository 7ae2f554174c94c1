import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobEnds, kodakCard, ok, restartTestServices, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * The app's batch on a card that cannot be written (write-protected, read-only, remounted
 * read-only mid-batch): one message, not the same failure for each photo after its decode. A
 * real read-only file system (tmpfs) needs root to mount; without it the suite is skipped.
 */
type BatchReply = { runId: string; items: { jobId: string; input: string; output: string }[]; leftOut: string[] };

describe.skipIf(process.getuid?.() !== 0)('a batch on a card that cannot be written', () => {
  let t: ServicesUnderTest;
  let card = '';
  /** A second card, on its own file system: the first turning read-only leaves it writable. */
  let card2 = '';
  let mounted = false;
  const mount = (options: string, where = card) => execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', where], { stdio: 'ignore' });
  beforeAll(async () => {
    t = await startTestServices('batch-read-only');
    card = path.join(t.workDir, 'card');
    card2 = path.join(t.workDir, 'card2');
    for (const where of [card, card2]) await mkdir(where);
    try {
      mount('size=5m');
      mounted = true;
      mount('size=5m', card2);
    } catch {
      return;
    }
    // One folder for each test: a batch the first queues (without the fix) never reaches the second's.
    for (const folder of ['locked', 'mid', 'two', 'resume']) await kodakCard(path.join(card, folder), ['kodim01', 'kodim02', 'kodim03']);
    for (const folder of ['other', 'later']) await kodakCard(path.join(card2, folder), ['kodim04', 'kodim05']);
    ok(await t.services.dispatch('settings:set', { batchResults: 'beside' }));
  });
  afterAll(async () => {
    await t?.services.close();
    if (mounted) for (const where of [card, card2]) execFileSync('umount', [where]);
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
    expect(reply.error.message).toBe(`${folder} cannot be written: it is on a read-only disk: choose a folder on a disk that can be written. No photo was deblurred.`);
  });

  it('a card that turns read-only mid-batch fails one photo and stops its others', async (context) => {
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
    // Stopped by the app, not cancelled by the user: the Batch panel says "1 stopped (folder cannot be written)".
    expect(ends[2]!.state).toEqual({ status: 'cancelled', stopped: 'folder-unwritable' });
    expect(ends[1]!.state).toMatchObject({ error: { code: 'WRITE_FAILED' } });
    const failed = ends[1]!.state.status === 'failed' ? ends[1]!.state.error.message : '';
    expect(failed).toBe(`${folder} can no longer be written (it is on a read-only disk). Its other photos in this batch were stopped: Run again once it can be written.`);
    expect((await readdir(folder)).filter((name) => name.includes('-unshaken'))).toEqual(['kodim01-unshaken.jpg']);
    // Not recorded as a photo the user cancelled; Run again does it, with the one that failed.
    expect(await readFile(path.join(t.userDataDir, 'jobs.jsonl'), 'utf8')).not.toContain('cancelledPhoto');
    const again = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder', again: reply.runId }));
    expect(again.items.map((item) => path.basename(item.input))).toEqual(['kodim02.jpg', 'kodim03.jpg']);
    expect((await jobEnds(t.services, again.items)).map((end) => end.state.status)).toEqual(['done', 'done']);
  });

  it('a card that turns read-only mid-batch stops only its own photos; another card goes on', async (context) => {
    if (!mounted) context.skip();
    const [locked, other] = [path.join(card, 'two'), path.join(card2, 'other')];
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [locked, other], strength: 1, modelId: 'placeholder' }));
    expect(reply.items.map((item) => path.dirname(item.input))).toEqual([locked, locked, locked, other, other]);
    const off = t.services.onJobUpdate((job) => {
      if (job.id === reply.items[0]!.jobId && job.state.status === 'done') mount('remount,ro');
    });
    const ends = await jobEnds(t.services, reply.items).finally(off);
    mount('remount,rw');
    expect(ends.map((end) => end.state.status)).toEqual(['done', 'failed', 'cancelled', 'done', 'done']);
    expect((await readdir(other)).filter((name) => name.includes('-unshaken')).sort()).toEqual(['kodim04-unshaken.jpg', 'kodim05-unshaken.jpg']);
  });

  it('a read-only card dropped with another is left out with one note', async (context) => {
    if (!mounted) context.skip();
    const [locked, other] = [path.join(card, 'locked'), path.join(card2, 'other')];
    await rm(path.join(other, 'kodim04-unshaken.jpg'), { force: true });
    mount('remount,ro');
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [locked, other], strength: 1, modelId: 'placeholder' }).finally(() => mount('remount,rw')));
    expect(reply.items.map((item) => item.input)).toEqual([path.join(other, 'kodim04.jpg')]);
    expect(reply.leftOut).toEqual([`${locked} cannot be written: it is on a read-only disk: choose a folder on a disk that can be written. Its 3 photos were left out.`]);
    await jobEnds(t.services, reply.items);
  });

  it('a photo stopped by a folder turned read-only is not left out of a resume as cancelled', async (context) => {
    if (!mounted) context.skip();
    const [locked, later] = [path.join(card, 'resume'), path.join(card2, 'later')];
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [locked, later], strength: 1, modelId: 'placeholder' }));
    expect(reply.items).toHaveLength(5);
    const off = t.services.onJobUpdate((job) => {
      if (job.id === reply.items[0]!.jobId && job.state.status === 'done') mount('remount,ro');
    });
    // The app quits once the third photo is stopped: the other card's photos are left undone.
    const stopped = await new Promise<unknown>((resolve) => {
      const offStopped = t.services.onJobUpdate((job) => {
        if (job.id !== reply.items[2]!.jobId || job.state.status !== 'cancelled') return;
        offStopped();
        resolve(job.state);
      });
    }).finally(off);
    expect(stopped).toEqual({ status: 'cancelled', stopped: 'folder-unwritable' });
    await t.services.close();
    mount('remount,rw');
    t = await restartTestServices(t);
    const offers = ok<{ runId: string; done: number; cancelled: number }[]>(await t.services.dispatch('job:batch-interrupted', {}));
    expect(offers).toMatchObject([{ runId: reply.runId, cancelled: 0 }]);
    const resumed = ok<BatchReply>(await t.services.dispatch('job:batch-resume', { runId: reply.runId }));
    expect(resumed.items.map((item) => path.basename(item.input))).toEqual(expect.arrayContaining(['kodim02.jpg', 'kodim03.jpg']));
    expect(resumed.leftOut.join(' ')).not.toContain('cancelled');
    await jobEnds(t.services, resumed.items);
  });
});
