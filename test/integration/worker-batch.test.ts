import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { tempPathBeside } from '../../model/src/image/atomic-file.js';
import { batchSecondsLeft, batchTimeText } from '../../renderer/src/lib/batch-eta.js';
import { endedProcessId } from '../fixtures/ended-process.js';
import { followJob, jobEnds, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * A batch through main's services and the REAL engine worker: a dropped folder becomes one job
 * per photo, each written straight to its result file; a damaged photo fails alone; dropping
 * the folder again queues only what is left.
 */
type BatchReply = { items: { jobId: string; input: string; output: string }[]; alreadyDone: { input: string; output: string }[]; leftOut: string[] };

describe('batch through the services', () => {
  let t: ServicesUnderTest;
  let folder = '';
  beforeAll(async () => {
    t = await startTestServices('batch');
    folder = path.join(t.workDir, 'card');
    await mkdir(folder);
    for (const name of ['kodim05', 'kodim06']) {
      await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(200).withIccProfile('p3').png().toFile(path.join(folder, `${name}.png`));
    }
    const whole = await readFile(path.join(folder, 'kodim05.png'));
    await writeFile(path.join(folder, 'cut.png'), whole.subarray(0, whole.length / 2));
  });
  afterAll(() => t?.services.close());

  /** Each job's last state; one that already ended before anyone listened is read as it is. */
  const run = (reply: BatchReply) => jobEnds(t.services, reply.items);

  it('deblurs every photo of a folder into its own file; a damaged one fails alone', async () => {
    ok(await t.services.dispatch('settings:set', { batchResults: 'subfolder' }));
    const outDir = path.join(folder, 'Unshaken');
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' }));
    expect(reply.items.map((i) => path.basename(i.input))).toEqual(['cut.png', 'kodim05.png', 'kodim06.png']);
    expect(reply.items.map((i) => i.output)).toEqual(['cut', 'kodim05', 'kodim06'].map((n) => path.join(outDir, `${n}-unshaken.png`)));
    const ends: JobSnapshot[] = await run(reply);
    expect(ends.map((e) => [e.kind, e.state.status])).toEqual([
      ['batch-item', 'failed'],
      ['batch-item', 'done'],
      ['batch-item', 'done'],
    ]);
    expect(ends[0]!.state).toMatchObject({ error: { code: 'CORRUPT_IMAGE' } });
    expect((await readdir(outDir)).sort()).toEqual(['kodim05-unshaken.png', 'kodim06-unshaken.png']);
    // The original's profile goes with its result, and the pixels changed.
    const [orig, out] = await Promise.all([path.join(folder, 'kodim06.png'), path.join(outDir, 'kodim06-unshaken.png')].map((f) => sharp(f).metadata()));
    expect(out!.icc?.equals(orig!.icc!)).toBe(true);
    const [a, b] = await Promise.all([path.join(folder, 'kodim06.png'), path.join(outDir, 'kodim06-unshaken.png')].map((f) => sharp(f).raw().toBuffer()));
    expect(a!.equals(b!)).toBe(false);

    // Dropped again: only the damaged photo is queued; the two results are reported as done.
    const again = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [folder], strength: 1, modelId: 'placeholder' }));
    expect(again.items.map((i) => path.basename(i.input))).toEqual(['cut.png']);
    expect(again.alreadyDone.map((i) => path.basename(i.input))).toEqual(['kodim05.png', 'kodim06.png']);
    await run(again);
    ok(await t.services.dispatch('settings:set', { batchResults: 'beside' }));
  });

  it('a folder dropped again while its batch runs is not queued twice; a changed output format still counts earlier results', async () => {
    const card = path.join(t.workDir, 'again');
    await mkdir(card);
    for (const name of ['kodim09', 'kodim10', 'kodim11']) {
      await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(200).jpeg().toFile(path.join(card, `${name}.jpg`));
    }
    // A crash mid-write left the encoder's temp files (its process is gone): planning the batch
    // removes them, also one for a result in another format than this batch's.
    const gone = await endedProcessId();
    for (const result of ['kodim11-unshaken.jpg', 'kodim10-unshaken.png']) await writeFile(tempPathBeside(path.join(card, result), 'encode', undefined, gone), 'half a photo');
    const first = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [card], strength: 1, modelId: 'placeholder' }));
    const second = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [card], strength: 1, modelId: 'placeholder' }));
    expect(first.items).toHaveLength(3);
    expect(second.items).toHaveLength(0);
    expect(second.alreadyDone.map((i) => path.basename(i.output))).toEqual(['kodim09-unshaken.jpg', 'kodim10-unshaken.jpg', 'kodim11-unshaken.jpg']);
    expect((await run(first)).map((e) => e.state.status)).toEqual(['done', 'done', 'done']);
    expect((await readdir(card)).filter((f) => f.startsWith('.'))).toEqual([]);

    ok(await t.services.dispatch('settings:set', { outputFormat: 'png' }));
    try {
      const third = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [card], strength: 1, modelId: 'placeholder' }));
      expect(third.items).toHaveLength(0);
      expect(third.alreadyDone.map((i) => path.basename(i.output))).toEqual(['kodim09-unshaken.jpg', 'kodim10-unshaken.jpg', 'kodim11-unshaken.jpg']);
    } finally {
      ok(await t.services.dispatch('settings:set', { outputFormat: 'same' }));
    }
  });

  it('a deblur of the photo in the editor runs next, not after the whole batch', async () => {
    const card = path.join(t.workDir, 'long');
    await mkdir(card);
    for (const name of ['kodim12', 'kodim13', 'kodim14', 'kodim15']) {
      await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(300).jpeg().toFile(path.join(card, `${name}.jpg`));
    }
    // Opened first: an open is an engine request too, and batch photos would finish while it runs.
    const opened = ok<{ imageId: string }>(await t.services.dispatch('image:open', { path: sharedPhoto('real-blur/lai_lion.jpg') }));
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [card], strength: 1, modelId: 'placeholder' }));
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' }));
    const ends = await run({ items: [...reply.items, { jobId, input: '', output: '' }], alreadyDone: [], leftOut: [] });
    const editor = ends.at(-1)!;
    expect(editor.state.status).toBe('done');
    // At most the batch photo already running finished before it.
    expect(ends.slice(0, -1).filter((e) => e.updatedAt < editor.updatedAt).length).toBeLessThanOrEqual(1);
  });

  it('names results with the settings’ suffix, as Save does, and never takes Save’s results for photos', async () => {
    ok(await t.services.dispatch('settings:set', { outputSuffix: '-sharp' }));
    try {
      const trip = path.join(t.workDir, 'suffix');
      await mkdir(trip);
      for (const name of ['a', 'b']) await sharp(sharedPhoto('photos-extra/Kodak24/kodim07.png')).resize(96).jpeg().toFile(path.join(trip, `${name}.jpg`));
      // a.jpg saved from the editor first: a-sharp.jpg.
      const opened = ok<{ imageId: string }>(await t.services.dispatch('image:open', { path: path.join(trip, 'a.jpg') }));
      const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' }));
      await followJob(t.services, jobId);
      expect(ok<{ path: string }>(await t.services.dispatch('job:save', { jobId })).path).toBe(path.join(trip, 'a-sharp.jpg'));

      const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [trip], strength: 1, modelId: 'placeholder' }));
      expect(reply.alreadyDone).toEqual([{ input: path.join(trip, 'a.jpg'), output: path.join(trip, 'a-sharp.jpg') }]);
      expect(reply.items.map((i) => [path.basename(i.input), path.basename(i.output)])).toEqual([['b.jpg', 'b-sharp.jpg']]);
      expect((await run(reply)).map((e) => e.state.status)).toEqual(['done']);
      expect((await readdir(trip)).sort()).toEqual(['a-sharp.jpg', 'a.jpg', 'b-sharp.jpg', 'b.jpg']);
    } finally {
      ok(await t.services.dispatch('settings:set', { outputSuffix: '-unshaken' }));
    }
  });

  it('names a camera’s IMG_1.JPG’s JPEG result as Save does (IMG_1-unshaken.JPG), and still knows an older version’s IMG_3-unshaken.jpg', async () => {
    ok(await t.services.dispatch('settings:set', { outputFormat: 'jpeg' }));
    try {
      const camera = path.join(t.workDir, 'camera');
      await mkdir(camera);
      for (const name of ['IMG_1', 'IMG_2', 'IMG_3']) await sharp(sharedPhoto('photos-extra/Kodak24/kodim08.png')).resize(96).jpeg().toFile(path.join(camera, `${name}.JPG`));
      // What a batch of an earlier version wrote for IMG_3 (a result that does not name its photo).
      await sharp(path.join(camera, 'IMG_3.JPG')).jpeg().toFile(path.join(camera, 'IMG_3-unshaken.jpg'));
      const saveOf = async (photo: string) => {
        const opened = ok<{ imageId: string }>(await t.services.dispatch('image:open', { path: path.join(camera, photo) }));
        const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' }));
        await followJob(t.services, jobId);
        return path.basename(ok<{ path: string }>(await t.services.dispatch('job:save', { jobId })).path);
      };
      expect(await saveOf('IMG_1.JPG')).toBe('IMG_1-unshaken.JPG');

      const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [camera], strength: 1, modelId: 'placeholder' }));
      expect(reply.alreadyDone.map((i) => path.basename(i.output))).toEqual(['IMG_1-unshaken.JPG', 'IMG_3-unshaken.jpg']);
      expect(reply.items.map((i) => path.basename(i.output))).toEqual(['IMG_2-unshaken.JPG']);
      expect((await run(reply)).map((e) => e.state.status)).toEqual(['done']);
      // A Save after the batch numbers past the batch's result, whichever spelling it has.
      expect(await saveOf('IMG_2.JPG')).toBe('IMG_2-unshaken-2.JPG');
      expect(await saveOf('IMG_3.JPG')).toBe('IMG_3-unshaken-2.JPG');
    } finally {
      ok(await t.services.dispatch('settings:set', { outputFormat: 'same' }));
    }
  });

  it('a folder dropped again after a photo was culled: that photo’s result is not queued as a photo; a link to the folder adds nothing', async () => {
    const shoot = path.join(t.workDir, 'cull');
    await mkdir(shoot);
    for (const [name, source] of [['IMG_1', 'kodim16'], ['IMG_2', 'kodim17'], ['IMG_3', 'kodim18']]) {
      await sharp(sharedPhoto(`photos-extra/Kodak24/${source}.png`)).resize(96).jpeg().toFile(path.join(shoot, `${name}.jpg`));
    }
    const first = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [shoot], strength: 1, modelId: 'placeholder' }));
    expect((await run(first)).map((e) => e.state.status)).toEqual(['done', 'done', 'done']);
    await rm(path.join(shoot, 'IMG_2.jpg'));
    await sharp(sharedPhoto('photos-extra/Kodak24/kodim19.png')).resize(96).jpeg().toFile(path.join(shoot, 'IMG_4.jpg'));
    // The same folder again, also through a link to it (album/linkdir -> ../cull).
    await mkdir(path.join(t.workDir, 'album'));
    await symlink('../cull', path.join(t.workDir, 'album', 'linkdir'));
    const again = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [shoot, path.join(t.workDir, 'album', 'linkdir')], strength: 1, modelId: 'placeholder' }));
    expect(again.items.map((i) => path.basename(i.input))).toEqual(['IMG_4.jpg']);
    expect(again.alreadyDone.map((i) => path.basename(i.input))).toEqual(['IMG_1.jpg', 'IMG_3.jpg']);
    expect(again.leftOut).toEqual([
      'IMG_2-unshaken.jpg is left out: it is an earlier result of Unshake whose photo is gone (give that file by itself to deblur it again).',
      `3 photos were reached more than once, through symbolic links (${path.join(t.workDir, 'album', 'linkdir', 'IMG_1.jpg')} is ${path.join(shoot, 'IMG_1.jpg')}): each is deblurred once.`,
    ]);
    expect((await run(again)).map((e) => e.state.status)).toEqual(['done']);
    expect((await readdir(shoot)).sort()).toEqual(['IMG_1-unshaken.jpg', 'IMG_1.jpg', 'IMG_2-unshaken.jpg', 'IMG_3-unshaken.jpg', 'IMG_3.jpg', 'IMG_4-unshaken.jpg', 'IMG_4.jpg']);
  });

  it('next to the originals by default; a relative path or an empty folder is refused', async () => {
    const single = path.join(t.workDir, 'single');
    await mkdir(single);
    await writeFile(path.join(single, 'kodim05.png'), await readFile(path.join(folder, 'kodim05.png')));
    const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [path.join(single, 'kodim05.png')], strength: 0.5, modelId: 'placeholder' }));
    expect(reply.items[0]!.output).toBe(path.join(single, 'kodim05-unshaken.png'));
    expect((await run(reply))[0]!.state.status).toBe('done');
    expect(await t.services.dispatch('job:batch', { paths: ['card'], strength: 1, modelId: 'placeholder' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    // A folder the user did not hand over is refused before anything is read or written there.
    const elsewhere = path.dirname(t.workDir);
    expect(await t.services.dispatch('job:batch', { paths: [elsewhere], strength: 1, modelId: 'placeholder' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_PATH', message: expect.stringContaining('drop it on the window') },
    });
    const empty = path.join(t.workDir, 'empty');
    await mkdir(empty);
    expect(await t.services.dispatch('job:batch', { paths: [empty], strength: 1, modelId: 'placeholder' })).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND', message: expect.stringMatching(/holds no photos/) },
    });
  });

  it('into an “Unshaken” folder: a folder where a file has that name fails its own photos, the other folder is done', async () => {
    ok(await t.services.dispatch('settings:set', { batchResults: 'subfolder' }));
    try {
      const [good, blocked] = [path.join(t.workDir, 'good'), path.join(t.workDir, 'blocked')];
      for (const dir of [good, blocked]) {
        await mkdir(dir);
        await sharp(sharedPhoto('photos-extra/Kodak24/kodim07.png')).resize(120).jpeg().toFile(path.join(dir, 'p.jpg'));
      }
      await writeFile(path.join(blocked, 'Unshaken'), 'a file, not a folder');
      // A folder whose only photo is damaged: no result, and no empty "Unshaken" left beside it.
      const damaged = path.join(t.workDir, 'damaged');
      await mkdir(damaged);
      await writeFile(path.join(damaged, 'cut.png'), await readFile(path.join(folder, 'cut.png')));
      const reply = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [good, blocked, damaged], strength: 1, modelId: 'placeholder' }));
      const ends = await run(reply);
      expect(ends.map((e) => e.state.status)).toEqual(['done', 'failed', 'failed']);
      expect(ends[1]!.state).toMatchObject({ error: { code: 'INVALID_REQUEST', message: `${path.join(blocked, 'Unshaken')} is a file, so the results cannot go in a folder of that name.` } });
      expect(await readdir(path.join(good, 'Unshaken'))).toEqual(['p-unshaken.jpg']);
      await expect.poll(() => readdir(damaged)).toEqual(['cut.png']);
    } finally {
      ok(await t.services.dispatch('settings:set', { batchResults: 'beside' }));
    }
  });

  it('a batch dropped behind another says it waits, then estimates from its own photos’ running time only', async () => {
    const [ceremony, reception] = [path.join(t.workDir, 'ceremony'), path.join(t.workDir, 'reception')];
    // The first batch's photos larger, so it is still running when the second is queued.
    for (const [dir, names, width] of [[ceremony, ['kodim16', 'kodim17', 'kodim18', 'kodim19'], 768], [reception, ['kodim20', 'kodim21', 'kodim22'], 160]] as const) {
      await mkdir(dir);
      for (const name of names) await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(width).jpeg().toFile(path.join(dir, `${name}.jpg`));
    }
    // Every job as it stood at each photo done, to see what the Batch panel showed then.
    const latest = new Map<string, JobSnapshot>();
    const moments: Map<string, JobSnapshot>[] = [];
    const off = t.services.onJobUpdate((job) => {
      latest.set(job.id, job);
      if (job.state.status === 'done') moments.push(new Map(latest));
    });
    try {
      const first = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [ceremony], strength: 1, modelId: 'placeholder' }));
      const second = ok<BatchReply>(await t.services.dispatch('job:batch', { paths: [reception], strength: 1, modelId: 'placeholder' }));
      const ends = await run({ items: [...first.items, ...second.items], alreadyDone: [], leftOut: [] });
      expect(ends.map((e) => e.state.status)).toEqual(ends.map(() => 'done'));
      const [a, b] = [ends.slice(0, 4), ends.slice(4)];
      // It ran after the first batch: that wait is not its photos' time.
      expect(Math.min(...b.map((e) => e.startedAt!))).toBeGreaterThanOrEqual(Math.max(...a.map((e) => e.updatedAt)));
      const seen = moments.map((jobs) => {
        const [ofA, ofB] = [first, second].map((reply) => reply.items.map((item) => jobs.get(item.jobId)));
        const ended = [ofA!, ofB!].map((list) => list.filter((j) => j?.state.status === 'done').length).join('+');
        return { ended, jobs: ofB!.filter((j) => j !== undefined), text: batchTimeText(ofB!, [ofA!]) };
      });
      // While the first batch runs, the second says it waits (with the first's time once known).
      const waiting = seen.filter((s) => s.jobs.length === 3 && /^[123]\+0$/.test(s.ended));
      expect(waiting.length).toBeGreaterThan(0);
      for (const s of waiting) expect(s.text).toMatch(/^Waiting for the batch ahead( \(less than a minute left\))?$/);
      // Its second photo done: an estimate no longer than its own photos have run so far, per photo left.
      const two = seen.find((s) => s.ended === '4+2')!;
      const left = batchSecondsLeft(two.jobs)!;
      const started = two.jobs.filter((j) => j.startedAt !== undefined);
      const ranFor = (Math.max(...started.map((j) => j.updatedAt)) - Math.min(...started.map((j) => j.startedAt!))) / 1000;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(ranFor);
      expect(two.text).toBe('Less than a minute left');
    } finally {
      off();
    }
  });
});
