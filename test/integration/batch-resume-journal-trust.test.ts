import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../electron/common/settings-schema.js';
import { kodakCard, ok, restartTestServices, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * The job journal is a file on disk (another version's, or edited by hand): its records are held
 * to the same rules as the requests and replies built from them, and a resume hands over nothing
 * the batch does not run on.
 */
type Offer = { runId: string; title: string };

const record = (runId: string, title: string, paths: string[]) => ({
  runId, title, paths, strength: 1, modelId: 'placeholder', settings: DEFAULT_SETTINGS, photos: 2, alreadyDone: 0, queued: 2, startedAt: 1,
});

describe('a job journal record this version would not send or accept', () => {
  const open: ServicesUnderTest[] = [];
  afterAll(async () => {
    for (const t of open) await t.services.close();
  });

  it('is kept aside with the notice, and the good batch beside it is still offered', async () => {
    const first = await startTestServices('journal-bad-id');
    const card = path.join(first.workDir, 'card');
    await first.services.close();
    const lines = [
      { batch: record('batch_00000000holiday', 'Holiday', [card]) },
      { batch: record('Holiday 2024', 'Wedding', [card]) },
      { batch: { ...record('batch_0000000000party', 'Party', [card]), modelId: '../../etc/passwd' } },
      { batch: record('batch_000000000garden', 'Garden', ['photos/garden']) },
    ].map((line) => JSON.stringify(line));
    await writeFile(path.join(first.userDataDir, 'jobs.jsonl'), `${lines.join('\n')}\n`);

    const again = await restartTestServices(first);
    open.push(again);
    const offers = ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}));
    expect(offers.map((offer) => [offer.runId, offer.title])).toEqual([['batch_00000000holiday', 'Holiday']]);
    const { notice } = ok<{ notice: { code: string; message: string } | null }>(await again.services.dispatch('job:journal-notice', {}));
    expect(notice).toEqual({ code: 'FILE_UNREADABLE', message: expect.stringContaining('3 interrupted batches (from Wedding, Party, Garden)') });
    const aside = (await readdir(first.userDataDir)).filter((name) => name.startsWith('jobs.unreadable-'));
    expect(await readFile(path.join(first.userDataDir, aside[0]!), 'utf8')).toBe(`${lines.slice(1).join('\n')}\n`);
  });

  it('whose resume fails leaves its paths not handed over', async () => {
    const first = await startTestServices('journal-root');
    const card = path.join(first.workDir, 'card');
    await kodakCard(card, ['kodim01']);
    await first.services.close();
    const runId = 'batch_0000000000root';
    await writeFile(path.join(first.userDataDir, 'jobs.jsonl'), `${JSON.stringify({ batch: record(runId, 'Everything', ['/']) })}\n`);

    const again = await restartTestServices(first);
    open.push(again);
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {})).map((offer) => offer.runId)).toEqual([runId]);
    expect(await again.services.dispatch('job:batch-resume', { runId })).toMatchObject({ ok: false, error: { message: expect.stringContaining('holds no photos') } });
    // Nothing was handed over by a resume that did not start: the disk is as closed as before.
    expect(await again.services.dispatch('image:open', { path: path.join(card, 'kodim01.jpg') })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_PATH' } });
  });
});
