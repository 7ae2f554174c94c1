import { mkdtempSync } from 'node:fs';
import { open, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../electron/common/settings-schema.js';
import { compactJobJournal } from '../../../electron/main/jobs/job-journal-compaction.js';

const run = (runId: string, queued: number) => ({ runId, title: runId, paths: [`/photos/${runId}`], strength: 1, modelId: 'base', settings: DEFAULT_SETTINGS, photos: queued + 1, alreadyDone: 1, queued, startedAt: 1 });
const status = (job: string, group: string, s: string) => ({ job, group, status: s });

// Run ids are as the app makes them (batch_ and 8–32 letters or digits): a record with another is kept aside.
// Each test's folder goes after it (one holds a 700 MB sparse file).
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unshake-journal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

describe('job journal compaction', () => {
  it('keeps only the batches left unfinished, one line each, and nothing of older versions', async () => {
    const file = path.join(tempDir(), 'jobs.jsonl');
    const lines = [
      // What versions before 2026-12-07 wrote: every deblur's photo and selection.
      { at: 'x', snapshot: { id: 'job_old', kind: 'deblur', state: { status: 'queued' } }, input: { path: '/photos/secret.jpg', mask: { shapes: [] } } },
      { batch: run('batch_finished', 2) }, status('j1', 'batch_finished', 'done'), status('j2', 'batch_finished', 'failed'),
      { batch: run('batch_cancelled', 2) }, status('j3', 'batch_cancelled', 'done'), status('j4', 'batch_cancelled', 'cancelled'),
      { batch: run('batch_cut00000', 3) }, status('j5', 'batch_cut00000', 'running'), status('j5', 'batch_cut00000', 'done'), status('j6', 'batch_cut00000', 'running'),
      { batch: run('batch_dismissed', 1) }, { closed: 'batch_dismissed' },
      { batch: run('batch_ghost000', 1) },
    ];
    await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{"job":"j6","gr`);
    const { interrupted, notice } = await compactJobJournal(file);
    expect(notice).toBeNull();
    expect(interrupted.map((r) => [r.runId, r.done])).toEqual([['batch_cut00000', 2], ['batch_ghost000', 1]]);
    const text = await readFile(file, 'utf8');
    expect(text.trim().split('\n').map((line) => Object.keys(JSON.parse(line) as object))).toEqual([['at', 'interrupted'], ['at', 'interrupted']]);
    expect(text).not.toContain('secret');
    // Compacting again changes nothing; a close after it drops the batch for good.
    expect(await compactJobJournal(file)).toEqual({ interrupted, notice: null });
    await writeFile(file, `${await readFile(file, 'utf8')}${JSON.stringify({ closed: 'batch_cut00000' })}\n`);
    expect((await compactJobJournal(file)).interrupted.map((r) => r.runId)).toEqual(['batch_ghost000']);
  });

  it('keeps the photos the user cancelled with an interrupted batch; one whose open photos were all cancelled has ended', async () => {
    const file = path.join(tempDir(), 'jobs.jsonl');
    const cancel = (job: string, group: string, photo: string) => [{ cancelledPhoto: { group, photo } }, status(job, group, 'cancelled')];
    const lines = [
      // Before this field, an interrupted line named no cancelled photo: read as none.
      { interrupted: { ...run('batch_older000', 2), done: 1 } },
      { batch: run('batch_cut00000', 3) }, status('j1', 'batch_cut00000', 'done'), ...cancel('j2', 'batch_cut00000', '/photos/batch_cut00000/b.jpg'), status('j3', 'batch_cut00000', 'running'),
      { batch: { ...run('batch_again000', 2), cancelled: ['/photos/batch_again000/x.jpg'] } }, status('j4', 'batch_again000', 'queued'),
      { batch: run('batch_allcancelled', 2) }, status('j5', 'batch_allcancelled', 'done'), ...cancel('j6', 'batch_allcancelled', '/photos/secret.jpg'),
    ];
    await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const { interrupted } = await compactJobJournal(file);
    expect(interrupted.map((r) => [r.runId, r.done, r.cancelled])).toEqual([
      ['batch_older000', 1, []],
      ['batch_cut00000', 2, ['/photos/batch_cut00000/b.jpg']],
      ['batch_again000', 1, ['/photos/batch_again000/x.jpg']],
    ]);
    expect(await readFile(file, 'utf8')).not.toContain('secret');
    expect((await compactJobJournal(file)).interrupted).toEqual(interrupted);
  });

  it('a missing journal is no batch, and is not made', async () => {
    const file = path.join(tempDir(), 'jobs.jsonl');
    expect(await compactJobJournal(file)).toEqual({ interrupted: [], notice: null });
    await expect(readFile(file)).rejects.toThrow();
  });

  it('a batch kept aside is told even when the journal cannot be rewritten, and not kept aside twice', async () => {
    const dir = tempDir();
    // The journal is a link to a file whose name leaves no room for write-file-atomic's temp
    // name beside it (ENAMETOOLONG), so its rewrite fails while the aside file beside the link is made.
    const real = path.join(dir, `${'j'.repeat(244)}.jsonl`);
    const file = path.join(dir, 'jobs.jsonl');
    const unreadable = JSON.stringify({ batch: { runId: 'batch_00000000wedding', title: 'Wedding', future: true } });
    await writeFile(real, `${unreadable}\n`);
    await symlink(real, file);
    const first = await compactJobJournal(file);
    const asides = async () => (await readdir(dir)).filter((name) => /^jobs\.unreadable-.+\.jsonl$/.test(name));
    const [aside] = await asides();
    expect(await readFile(path.join(dir, aside!), 'utf8')).toBe(`${unreadable}\n`);
    expect(first.notice?.message).toContain(`Its record was kept in ${path.join(dir, aside!)}.`);
    // The next start finds the same line: it names the file already made and makes no second one.
    const second = await compactJobJournal(file);
    expect(await asides()).toEqual([aside]);
    expect(second.notice?.message).toContain(`Its record was kept in ${path.join(dir, aside!)}.`);
  });

  it('a file too big to be a journal (a power cut can leave zeros, with no line break) is moved aside, not read, and told', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'jobs.jsonl');
    // Sparse: 700 MB of zeros, one "line" past Node's largest string, costs no disk.
    const handle = await open(file, 'w');
    await handle.truncate(700 * 1024 * 1024);
    await handle.close();
    const { interrupted, notice } = await compactJobJournal(file);
    expect(interrupted).toEqual([]);
    // Moved, not emptied: whatever it holds is still there (and, sparse, still costs no disk).
    const aside = (await readdir(dir)).filter((name) => /^jobs\.unreadable-.+\.jsonl$/.test(name));
    expect(aside).toHaveLength(1);
    expect((await stat(path.join(dir, aside[0]!))).size).toBe(700 * 1024 * 1024);
    await expect(stat(file)).rejects.toThrow();
    expect(notice).toEqual({ code: 'FILE_UNREADABLE', message: expect.stringContaining(`was 700 MB, too big to be one`) });
    expect(notice?.message).toContain(path.join(dir, aside[0]!));
  });
});
