import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jobEnd, kodakCard, ok, restartTestServices, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A photo the user cancelled in a batch stays cancelled when the interrupted batch is resumed
 * after a restart (and after a second interruption): through the real services and engine.
 */
type BatchReply = { runId: string; items: { jobId: string; input: string; output: string }[]; alreadyDone: { input: string; output: string }[]; leftOut: string[] };
type Offer = { runId: string; title: string; photos: number; done: number; cancelled: number };

const NAMES = ['kodim01', 'kodim02', 'kodim03', 'kodim04', 'kodim05'];

const ended = (t: ServicesUnderTest, jobId: string) => jobEnd(t.services, jobId);

describe('a photo cancelled in a batch that was then interrupted', () => {
  const open: ServicesUnderTest[] = [];
  afterAll(async () => {
    for (const t of open) await t.services.close();
  });

  it('is left out when the batch is resumed, and the offer counts it', async () => {
    const first = await startTestServices('resume-cancelled');
    const folder = path.join(first.workDir, 'card');
    await kodakCard(folder, NAMES);
    const reply = ok<BatchReply>(await first.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder', title: 'card' }));
    expect(reply.items).toHaveLength(5);
    // The fourth photo waits behind the others: cancelled while queued. Then the app goes away
    // once the first photo is done, with the rest still queued.
    const victim = reply.items[3]!;
    expect(ok(await first.services.dispatch('job:cancel', { jobId: victim.jobId }))).toEqual({ cancelled: true });
    expect((await ended(first, reply.items[0]!.jobId)).state.status).toBe('done');
    await first.services.close();
    const doneBefore = (await readdir(folder)).filter((name) => name.includes('-unshaken')).length;
    expect(doneBefore).toBeLessThan(3);

    const again = await restartTestServices(first);
    open.push(again);
    const offers = ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}));
    expect(offers).toMatchObject([{ runId: reply.runId, photos: 5, done: doneBefore, cancelled: 1 }]);
    const resumed = ok<BatchReply>(await again.services.dispatch('job:batch-resume', { runId: reply.runId }));
    expect(resumed.items.map((item) => item.input)).not.toContain(victim.input);
    expect(resumed.items).toHaveLength(4 - doneBefore);
    expect(resumed.leftOut).toContain('1 photo you cancelled was left out: kodim04.jpg.');
    // A second interruption keeps it cancelled: the resumed batch's own record carries it.
    await again.services.close();
    open.pop();
    const third = await restartTestServices(first);
    open.push(third);
    const [offer] = ok<Offer[]>(await third.services.dispatch('job:batch-interrupted', {}));
    expect(offer).toMatchObject({ photos: 5, cancelled: 1 });
    const last = ok<BatchReply>(await third.services.dispatch('job:batch-resume', { runId: offer!.runId }));
    expect(last.items.map((item) => item.input)).not.toContain(victim.input);
    for (const item of last.items) expect((await ended(third, item.jobId)).state.status).toBe('done');
    expect((await readdir(folder)).sort()).toEqual([...NAMES.map((name) => `${name}.jpg`), ...NAMES.filter((name) => name !== 'kodim04').map((name) => `${name}-unshaken.jpg`)].sort());
    expect(ok<Offer[]>(await third.services.dispatch('job:batch-interrupted', {}))).toEqual([]);
    expect(await readFile(path.join(first.userDataDir, 'jobs.jsonl'), 'utf8')).not.toContain('kodim01');
  });
});
