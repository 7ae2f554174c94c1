import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../electron/common/settings-schema.js';
import { compactJobJournal } from '../../electron/main/jobs/job-journal-compaction.js';
import { tempPathBeside } from '../../model/src/image/atomic-file.js';
import { endedProcessId } from '../fixtures/ended-process.js';
import { followJob, jobEnds, kodakCard, ok, repoRoot, restartTestServices, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A batch cut off mid-way (the app quit, or crashed) is offered at the next start and resumed
 * through the real services and engine: with the settings it started with, each photo done once,
 * results written before the interruption left as they are; the journal keeps only that batch.
 */
type BatchReply = { runId: string; items: { jobId: string; input: string; output: string }[]; alreadyDone: { input: string; output: string }[]; leftOut: string[] };
type Offer = { runId: string; title: string; paths: string[]; strength: number; modelId: string; photos: number; done: number };

const NAMES = ['kodim01', 'kodim02', 'kodim03', 'kodim04', 'kodim05'];
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');
const journalText = (t: ServicesUnderTest) => readFile(path.join(t.userDataDir, 'jobs.jsonl'), 'utf8').catch(() => '');

const ends = (t: ServicesUnderTest, items: BatchReply['items']) => jobEnds(t.services, items);

describe('an interrupted batch, the next time the app starts', () => {
  const open: ServicesUnderTest[] = [];
  afterAll(async () => {
    for (const t of open) await t.services.close();
  });

  it('is offered, and Resume finishes it with its own settings: each photo once, earlier results untouched', async () => {
    const first = await startTestServices('resume');
    const folder = path.join(first.workDir, 'card');
    await kodakCard(folder, NAMES);
    // Photos with a selection deblurred in the editor this session: none of that is journaled.
    const opened = ok<{ imageId: string }>(await first.services.dispatch('image:open', { path: path.join(folder, 'kodim01.jpg') }));
    const lasso = Array.from({ length: 500 }, (_, i) => [40 + 30 * Math.cos(i / 80), 40 + 30 * Math.sin(i / 80)]);
    const deblur = ok<{ jobId: string }>(await first.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder', mask: { shapes: [{ kind: 'polygon', points: lasso }] } }));
    await followJob(first.services, deblur.jobId);

    ok(await first.services.dispatch('settings:set', { outputFormat: 'png', batchResults: 'subfolder' }));
    const reply = ok<BatchReply>(await first.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder', title: 'card' }));
    expect(reply.items).toHaveLength(5);
    // Two photos done, then the app goes away mid-batch: the rest stays queued (or running) in the journal.
    const second = await followJob(first.services, reply.items[1]!.jobId);
    await first.services.close();
    expect(second.at(-1)?.state.status).toBe('done');
    const results = path.join(folder, 'Unshaken');
    const before = new Map<string, { hash: string; mtimeMs: number }>();
    for (const file of await readdir(results)) {
      if (file.startsWith('.')) continue;
      before.set(file, { hash: await sha(path.join(results, file)), mtimeMs: (await stat(path.join(results, file))).mtimeMs });
    }
    expect(before.size).toBeGreaterThanOrEqual(2);
    expect(before.size).toBeLessThan(5);

    // The next start: other settings are chosen by now; the folder is not handed over in this session.
    const again = await restartTestServices(first);
    open.push(again);
    ok(await again.services.dispatch('settings:set', { outputFormat: 'same', batchResults: 'beside' }));
    // The journal holds that batch alone, in one line: no finished work, no photo of the editor's, no selection.
    const compacted = await journalText(again);
    expect(compacted.trim().split('\n')).toHaveLength(1);
    expect(compacted).toContain('"interrupted"');
    expect(compacted).not.toContain('kodim01.jpg');
    expect(compacted).not.toContain('polygon');
    const offers = ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}));
    expect(offers).toEqual([{ runId: reply.runId, title: 'card', paths: [folder], strength: 1, modelId: 'placeholder', photos: 5, done: before.size, cancelled: 0, startedAt: expect.any(Number) }]);
    expect(await again.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_PATH' } });

    const resumed = ok<BatchReply & { paths: string[] }>(await again.services.dispatch('job:batch-resume', { runId: reply.runId }));
    expect(resumed.paths).toEqual([folder]);
    expect(resumed.alreadyDone.map((item) => path.basename(item.output)).sort()).toEqual([...before.keys()].sort());
    expect(resumed.items.map((item) => path.basename(item.input))).toEqual(NAMES.slice(before.size).map((name) => `${name}.jpg`));
    expect((await ends(again, resumed.items)).map((end) => end.state.status)).toEqual(resumed.items.map(() => 'done'));
    // Every photo once, in the batch's own format and folder; nothing next to the originals.
    expect((await readdir(results)).sort()).toEqual(NAMES.map((name) => `${name}-unshaken.png`));
    expect((await readdir(folder)).sort()).toEqual(['Unshaken', ...NAMES.map((name) => `${name}.jpg`)]);
    for (const [file, was] of before) {
      expect(await sha(path.join(results, file))).toBe(was.hash);
      expect((await stat(path.join(results, file))).mtimeMs).toBe(was.mtimeMs);
    }
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}))).toEqual([]);
    expect(await again.services.dispatch('job:batch-resume', { runId: reply.runId })).toMatchObject({ ok: false, error: { message: expect.stringContaining('no longer there') } });

    // Finished: the next start finds nothing to offer, and the journal is empty.
    await again.services.close();
    open.pop();
    expect(await compactJobJournal(path.join(again.userDataDir, 'jobs.jsonl'))).toEqual({ interrupted: [], notice: null });
    expect(await journalText(again)).toBe('');
  });

  it('one whose folder is gone says so and stays offered until dismissed; a crash’s torn line is skipped', async () => {
    const first = await startTestServices('resume-gone');
    const folder = path.join(first.workDir, 'gone');
    await first.services.close();
    // As a crash leaves it: the batch, one photo done, the next one running, a line cut off.
    const runId = 'batch_0123456789abcdef';
    const record = { runId, title: 'gone', paths: [folder], strength: 0.8, modelId: 'placeholder', settings: DEFAULT_SETTINGS, photos: 3, alreadyDone: 0, queued: 3, startedAt: 1 };
    await writeFile(
      path.join(first.userDataDir, 'jobs.jsonl'),
      [{ batch: record }, { job: 'job_a', group: runId, status: 'done' }, { job: 'job_b', group: runId, status: 'running' }].map((line) => JSON.stringify(line)).join('\n') + '\n{"job":"job_b","gro',
    );
    await rm(folder, { recursive: true, force: true });
    const again = await restartTestServices(first);
    open.push(again);
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}))).toMatchObject([{ runId, title: 'gone', photos: 3, done: 1, strength: 0.8 }]);
    const refused = await again.services.dispatch('job:batch-resume', { runId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND', message: expect.stringContaining(`${folder} is no longer there`) } });
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}))).toHaveLength(1);
    expect(ok(await again.services.dispatch('job:batch-dismiss', { runId }))).toEqual({ dismissed: true });
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}))).toEqual([]);
    await again.services.close();
    open.pop();
    const third = await restartTestServices(first);
    open.push(third);
    expect(ok<Offer[]>(await third.services.dispatch('job:batch-interrupted', {}))).toEqual([]);
    expect(await journalText(third)).toBe('');
  });

  it('one a newer version wrote, or with a setting out of range, is still offered; one that cannot be read is kept aside and told once', async () => {
    const first = await startTestServices('resume-lenient');
    const holiday = path.join(first.workDir, 'Holiday');
    await mkdir(holiday);
    await sharp(sharedPhoto('photos-extra/Kodak24/kodim07.png')).resize(160).jpeg().toFile(path.join(holiday, 'kodim07.jpg'));
    await first.services.close();
    const record = (runId: string, title: string, settings: object) => ({ runId, title, paths: [path.join(first.workDir, title)], strength: 1, modelId: 'placeholder', settings, photos: 120, alreadyDone: 47, queued: 73, startedAt: 1 });
    // A newer Unshake's batch (a setting this version does not know), a hand-edited one, a right
    // one; and one this version cannot read at all (a newer version renamed its model field).
    const { modelId: _renamed, ...unreadable } = { ...record('batch_00000000wedding', 'Wedding', DEFAULT_SETTINGS), model: 'placeholder' };
    const lines = [
      { batch: record('batch_00000000holiday', 'Holiday', { ...DEFAULT_SETTINGS, outputFormat: 'png', sharpenAfter: true }) },
      { batch: record('batch_000000000garden', 'Garden', { ...DEFAULT_SETTINGS, jpegQuality: 101 }) },
      { batch: record('batch_0000000000party', 'Party', DEFAULT_SETTINGS) },
      { batch: unreadable },
    ].map((line) => JSON.stringify(line));
    await writeFile(path.join(first.userDataDir, 'jobs.jsonl'), `${lines.join('\n')}\n`);

    const again = await restartTestServices(first);
    open.push(again);
    const offers = ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}));
    expect(offers.map((offer) => [offer.title, offer.photos, offer.done])).toEqual([['Holiday', 120, 47], ['Garden', 120, 47], ['Party', 120, 47]]);
    // The line it could not read is in a file of its own, word for word, and the window is told where.
    const aside = (await readdir(first.userDataDir)).filter((name) => name.startsWith('jobs.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(path.join(first.userDataDir, aside[0]!), 'utf8')).toBe(`${lines[3]}\n`);
    const { notice } = ok<{ notice: { code: string; message: string } | null }>(await again.services.dispatch('job:journal-notice', {}));
    expect(notice).toEqual({ code: 'FILE_UNREADABLE', message: expect.stringContaining('Wedding') });
    expect(notice?.message).toContain(path.join(first.userDataDir, aside[0]!));
    expect(ok(await again.services.dispatch('job:journal-notice', {}))).toEqual({ notice: null });
    // Resume runs with the batch's own known settings (PNG); the unknown one is left out.
    const resumed = ok<BatchReply>(await again.services.dispatch('job:batch-resume', { runId: 'batch_00000000holiday' }));
    expect((await ends(again, resumed.items)).map((end) => end.state.status)).toEqual(['done']);
    expect((await readdir(holiday)).sort()).toEqual(['kodim07-unshaken.png', 'kodim07.jpg']);
    await again.services.close();
    open.pop();

    // The next start: the other two still offered, nothing more set aside, nothing told.
    const third = await restartTestServices(first);
    open.push(third);
    expect(ok<Offer[]>(await third.services.dispatch('job:batch-interrupted', {})).map((offer) => offer.title)).toEqual(['Garden', 'Party']);
    expect((await readdir(first.userDataDir)).filter((name) => name.startsWith('jobs.unreadable-'))).toEqual(aside);
    expect(ok(await third.services.dispatch('job:journal-notice', {}))).toEqual({ notice: null });
  });

  it('Dismiss removes the hidden temp files its killed run left, and never those of a run still writing there', async () => {
    const first = await startTestServices('dismiss-temp');
    const folder = path.join(first.workDir, 'reception');
    await mkdir(path.join(folder, 'Unshaken'), { recursive: true });
    await sharp(sharedPhoto('photos-extra/Kodak24/kodim01.png')).resize(160).jpeg().toFile(path.join(folder, 'kodim01.jpg'));
    await first.services.close();
    // The engine that was writing them was killed with the app: a real process, gone now.
    const dead = await endedProcessId();
    const leftOver = [
      tempPathBeside(path.join(folder, 'kodim01-unshaken.jpg'), 'carrier', '.png', dead),
      tempPathBeside(path.join(folder, 'Unshaken', 'kodim01-unshaken.jpg'), 'encode', undefined, dead),
    ];
    // Another batch writing into the same folder now (this test process stands for its engine).
    const live = tempPathBeside(path.join(folder, 'kodim02-unshaken.jpg'), 'carrier', '.png', process.pid);
    for (const file of [...leftOver, live]) await writeFile(file, Buffer.alloc(64 * 1024));
    const runId = 'batch_00000000dismiss0';
    const record = { runId, title: 'reception', paths: [folder], strength: 1, modelId: 'placeholder', settings: DEFAULT_SETTINGS, photos: 2, alreadyDone: 0, queued: 2, startedAt: 1 };
    await writeFile(path.join(first.userDataDir, 'jobs.jsonl'), `${JSON.stringify({ batch: record })}\n${JSON.stringify({ job: 'job_a', group: runId, status: 'running' })}\n`);

    const again = await restartTestServices(first);
    open.push(again);
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}))).toMatchObject([{ runId }]);
    expect(ok(await again.services.dispatch('job:batch-dismiss', { runId }))).toEqual({ dismissed: true });
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}))).toEqual([]);
    expect((await readdir(folder)).sort()).toEqual([path.basename(live), 'Unshaken', 'kodim01.jpg'].sort());
    expect(await readdir(path.join(folder, 'Unshaken'))).toEqual([]);
  });

  it('keeps its model: Remove refuses it while the batch is offered, and a model deleted by hand says how to finish', async () => {
    const first = await startTestServices('resume-model');
    const folder = path.join(first.workDir, 'night-shots');
    await mkdir(folder, { recursive: true });
    await first.services.close();
    // A user model "night" (the placeholder's graph), and a batch cut off while deblurring with it.
    const models = path.join(first.userDataDir, 'models');
    const manifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as object;
    await mkdir(path.join(models, 'night'), { recursive: true });
    await copyFile(path.join(repoRoot, 'model/weights/placeholder.onnx'), path.join(models, 'night', 'night.onnx'));
    await writeFile(path.join(models, 'night', 'night.manifest.json'), JSON.stringify({ ...manifest, id: 'night', name: 'Night', file: 'night.onnx', placeholder: false }));
    const runId = 'batch_00000000night000';
    const record = { runId, title: 'night-shots', paths: [folder], strength: 1, modelId: 'night', settings: DEFAULT_SETTINGS, photos: 2, alreadyDone: 0, queued: 2, startedAt: 1 };
    await writeFile(path.join(first.userDataDir, 'jobs.jsonl'), `${JSON.stringify({ batch: record })}\n`);
    const again = await restartTestServices(first);
    open.push(again);
    expect(await again.services.dispatch('models:remove', { modelId: 'night' })).toMatchObject({
      ok: false,
      error: { message: 'The interrupted batch of night-shots deblurs with this model: resume or dismiss it first (in the Batch panel).' },
    });
    await rm(path.join(models, 'night'), { recursive: true });
    expect(await again.services.dispatch('job:batch-resume', { runId })).toMatchObject({
      ok: false,
      error: { code: 'MODEL_NOT_FOUND', message: expect.stringMatching(/^No model with id "night" is installed.*, and this batch ran with it\. Dismiss it, then drop the folder again to finish with another model: photos already done are skipped\.$/) },
    });
    expect(ok<Offer[]>(await again.services.dispatch('job:batch-interrupted', {}))).toHaveLength(1);
  });
});
