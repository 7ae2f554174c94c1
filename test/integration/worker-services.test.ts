import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInfo, OpenImageResult } from '../../electron/common/ipc-contract.js';
import { cropUrl, resultPreviewUrl } from '../../electron/main/images/image-protocol.js';
import { readJobJournal } from '../../electron/main/jobs/job-journal.js';
import type { ChooseSavePath } from '../../electron/main/services/save-as.js';
import { decodeImage } from '../../model/src/image/decode.js';
import { followJob, ok, sharedPhoto, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * main's services over the REAL engine worker (child process, tsx): open a real photo, serve its
 * preview, refuse bad files without losing the worker, deblur with progress, save next to the
 * original with its EXIF/ICC, and the error codes a user can meet on the way.
 */
const PHOTO = sharedPhoto('real-blur/lai_lion.jpg');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('services with the real engine worker', () => {
  let t: ServicesUnderTest;
  let photosDir = '';

  // The save dialog's answers, in turn (the user's choices), and what each was asked.
  const dialogAnswers: (string | null)[] = [];
  const dialogAsked: Parameters<ChooseSavePath>[0][] = [];

  beforeAll(async () => {
    t = await startTestServices('services', {
      chooseSavePath: async (request) => {
        dialogAsked.push(request);
        if (dialogAnswers.length === 0) throw new Error('Save As… opened the save dialog, but the test gave it no answer');
        return dialogAnswers.shift()!;
      },
    });
    photosDir = path.join(t.workDir, 'photos');
    await mkdir(photosDir);
  });
  afterAll(async () => {
    const pids = [t?.engine.workerPid(), t?.imaging.workerPid()];
    await t?.services.close();
    for (const pid of pids) if (pid) expect(() => process.kill(pid, 0), 'a worker outlived close()').toThrow();
  });

  const open = (file: string) => t.services.dispatch('image:open', { path: file });

  it('opens a real photo: metadata, and a JPEG preview served only by id', async () => {
    const opened = ok<OpenImageResult>(await open(PHOTO));
    expect(opened.imageId).toMatch(/^img_[a-z0-9]+$/);
    expect(opened.fileName).toBe('lai_lion.jpg');
    expect(opened.metadata).toMatchObject({ format: 'jpeg', width: 1200, height: 900, bitDepth: 8, orientation: 1 });
    expect(opened.previewUrl).toBe(`unshake-image://preview/${opened.imageId}`);

    const response = await t.services.handleImageRequest(opened.previewUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const preview = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(preview).toMatchObject({ format: 'jpeg', width: opened.previewWidth, height: opened.previewHeight });

    for (const url of ['unshake-image://preview/img_00000000deadbeef', `unshake-image://preview/${PHOTO}`, 'unshake-image://preview/../../etc/passwd']) {
      expect((await t.services.handleImageRequest(url)).status, url).toBe(404);
    }
  });

  it('refuses bad files with clear codes, and the same worker serves the next request', async () => {
    const text = path.join(photosDir, 'notes.jpg');
    await writeFile(text, 'this is not a photo, just text pretending to be one\n'.repeat(20));
    const empty = path.join(photosDir, 'empty.png');
    await writeFile(empty, '');
    const truncated = path.join(photosDir, 'truncated.jpg');
    const bytes = await readFile(PHOTO);
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.4)));

    ok(await open(PHOTO));
    const pid = t.imaging.workerPid();
    expect(pid).toBeGreaterThan(0);
    const cases: [string, string][] = [
      [path.join(photosDir, 'missing.jpg'), 'FILE_NOT_FOUND'],
      [text, 'UNSUPPORTED_FORMAT'],
      [empty, 'FILE_EMPTY'],
      [truncated, 'CORRUPT_IMAGE'],
      ['relative/photo.jpg', 'INVALID_REQUEST'],
      // A photo on disk the user never handed over (dropped or chose), and a way out of a folder they did.
      [path.join(path.dirname(t.workDir), 'elsewhere.jpg'), 'FORBIDDEN_PATH'],
      [`${t.workDir}${path.sep}..${path.sep}elsewhere.jpg`, 'FORBIDDEN_PATH'],
    ];
    for (const [file, code] of cases) {
      const result = await open(file);
      expect(result.ok, file).toBe(false);
      if (!result.ok) {
        expect(result.error.code, `${file}: ${result.error.message}`).toBe(code);
        expect(result.error.message.length).toBeGreaterThan(10);
      }
      expect(ok<OpenImageResult>(await open(PHOTO)).metadata.width).toBe(1200);
    }
    expect(t.imaging.workerPid()).toBe(pid);
  });

  it('deblurs a selection with progress, then saves next to the original keeping EXIF and ICC', async () => {
    const shaky = path.join(photosDir, 'shaky.jpg');
    await sharp(PHOTO)
      .withExif({ IFD0: { Make: 'UnshakeTest', Model: 'Shaky Cam 1' } })
      .withIccProfile('p3')
      .jpeg({ quality: 92 })
      .toFile(shaky);
    const originalHash = sha256(shaky);
    const opened = ok<OpenImageResult>(await open(shaky));
    expect(opened.metadata.camera).toContain('UnshakeTest');

    const { jobId } = ok<{ jobId: string }>(
      await t.services.dispatch('job:deblur', {
        imageId: opened.imageId,
        strength: 1,
        modelId: 'placeholder',
        mask: { shapes: [{ kind: 'rect', x: 100, y: 100, width: 900, height: 600 }], feather: 8 },
      }),
    );
    const updates = await followJob(t.services, jobId);
    const last = updates.at(-1);
    // `done` already says what to show as "after", before any Save.
    const done = { status: 'done', result: { previewUrl: resultPreviewUrl(jobId), width: opened.previewWidth, height: opened.previewHeight } };
    expect(last?.state, JSON.stringify(last?.state)).toEqual(done);
    const stages = updates.flatMap((u) => (u.state.status === 'running' ? [u.state.progress] : []));
    expect(stages.some((p) => /^Tile 1 of \d+$/.test(p.stage))).toBe(true);
    const fractions = stages.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(ok<{ state: unknown }>(await t.services.dispatch('job:status', { jobId })).state).toEqual(done);

    const after = await t.services.handleImageRequest(done.result.previewUrl);
    expect(after.status).toBe(200);
    const afterPixels = sharp(Buffer.from(await after.arrayBuffer()));
    expect(await afterPixels.metadata()).toMatchObject({ format: 'jpeg', width: opened.previewWidth, height: opened.previewHeight });
    // The result preview shows the result, not the original's preview again.
    const beforePixels = sharp(Buffer.from(await (await t.services.handleImageRequest(opened.previewUrl)).arrayBuffer()));
    const [beforeRaw, afterRaw] = await Promise.all([beforePixels.raw().toBuffer(), afterPixels.raw().toBuffer()]);
    expect(afterRaw.equals(beforeRaw)).toBe(false);

    const saved = ok<{ path: string; bytes: number }>(await t.services.dispatch('job:save', { jobId }));
    expect(saved.path).toBe(path.join(photosDir, 'shaky-unshaken.jpg'));
    expect(sha256(shaky)).toBe(originalHash);
    const out = await sharp(saved.path).metadata();
    expect(out).toMatchObject({ format: 'jpeg', width: 1200, height: 900 });
    expect(saved.bytes).toBe(readFileSync(saved.path).length);
    expect(await exifr.parse(saved.path, ['Make', 'Model'])).toMatchObject({ Make: 'UnshakeTest', Model: 'Shaky Cam 1' });
    expect(out.icc?.equals((await sharp(shaky).metadata()).icc!)).toBe(true);
    // The pixels changed inside the selection (the placeholder sharpens), not outside it.
    const [a, b] = await Promise.all([shaky, saved.path].map((f) => sharp(f).raw().toBuffer()));
    const diffAt = (x: number, y: number) => Math.abs(a![(y * 1200 + x) * 3]! - b![(y * 1200 + x) * 3]!);
    let inside = 0;
    for (let y = 300; y < 500; y++) for (let x = 400; x < 700; x++) inside += diffAt(x, y);
    expect(inside).toBeGreaterThan(0);

    const png = ok<{ path: string }>(await t.services.dispatch('job:save', { jobId, format: 'png' }));
    expect(png.path).toBe(path.join(photosDir, 'shaky-unshaken.png'));
    expect((await sharp(png.path).metadata()).format).toBe('png');
    // The preferred output format (settings) applies when the save names none; a typed name's
    // extension wins over it.
    ok(await t.services.dispatch('settings:set', { outputFormat: 'webp' }));
    const preferred = ok<{ path: string }>(await t.services.dispatch('job:save', { jobId }));
    expect(preferred.path).toBe(path.join(photosDir, 'shaky-unshaken.webp'));
    expect((await sharp(preferred.path).metadata()).format).toBe('webp');
    dialogAnswers.push(path.join(photosDir, 'shaky-named.tiff'));
    const named = ok<{ saved: { path: string } }>(await t.services.dispatch('job:save-as', { jobId })).saved;
    expect((await sharp(named.path).metadata()).format).toBe('tiff');
    ok(await t.services.dispatch('settings:set', { outputFormat: 'same' }));
    expect(sha256(shaky)).toBe(originalHash);
    expect((await readdir(photosDir)).filter((f) => f.startsWith('shaky'))).toHaveLength(5);

    // A reloaded window is told this deblur again: its photo, what it ran with, and its saves.
    const restored = ok<{ deblurs: { job: { id: string }; image: OpenImageResult; madeWith: unknown; saves: { path: string; strength: number; via: string }[] }[]; current: unknown }>(
      await t.services.dispatch('job:editor-jobs', {}),
    );
    // On screen: the photo the window last said it shows, with the result of its deblur since.
    expect(restored.current).toBeNull();
    ok(await t.services.dispatch('editor:showing', { imageId: opened.imageId }));
    expect(ok<{ current: unknown }>(await t.services.dispatch('job:editor-jobs', {})).current).toEqual({ image: opened, jobId: null });
    const again = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' })).jobId;
    await followJob(t.services, again);
    expect(ok<{ current: unknown }>(await t.services.dispatch('job:editor-jobs', {})).current).toEqual({ image: opened, jobId: again });
    // Show of the earlier result: the window says so.
    ok(await t.services.dispatch('editor:showing', { imageId: opened.imageId, jobId }));
    expect(ok<{ current: unknown }>(await t.services.dispatch('job:editor-jobs', {})).current).toEqual({ image: opened, jobId });
    const held = restored.deblurs.find((entry) => entry.job.id === jobId);
    expect(held?.image).toEqual(opened);
    expect(held?.madeWith).toEqual({ modelId: 'placeholder', mask: { shapes: [{ kind: 'rect', x: 100, y: 100, width: 900, height: 600 }], feather: 8, invert: false } });
    expect(held?.saves.map((save) => [path.basename(save.path), save.strength, save.via])).toEqual([
      ['shaky-unshaken.jpg', 1, 'save'],
      ['shaky-unshaken.png', 1, 'save'],
      ['shaky-unshaken.webp', 1, 'save'],
      ['shaky-named.tiff', 1, 'save-as'],
    ]);
    // A save still being written as the window reloads is on the card the reloaded window gets.
    const writing = t.services.dispatch('job:save', { jobId, format: 'png', strength: 0.5 });
    const reloaded = ok<{ deblurs: { job: { id: string }; saves: { path: string; strength: number }[] }[] }>(await t.services.dispatch('job:editor-jobs', {}));
    const written = ok<{ path: string }>(await writing);
    expect(reloaded.deblurs.find((entry) => entry.job.id === jobId)?.saves.at(-1)).toMatchObject({ path: written.path, strength: 0.5 });
    // Another photo shown since is the one on screen; an image id that is not open is ignored.
    const other = ok<OpenImageResult>(await open(PHOTO));
    ok(await t.services.dispatch('editor:showing', { imageId: other.imageId }));
    ok(await t.services.dispatch('editor:showing', { imageId: 'img_00000000deadbeef' }));
    expect(ok<{ current: unknown }>(await t.services.dispatch('job:editor-jobs', {})).current).toEqual({ image: other, jobId: null });

    const info = ok<AppInfo>(await t.services.dispatch('app:info', {}));
    expect(info.engine.runtime).toBe('onnxruntime-node');
    expect(info.executionProvider?.active).toBeTruthy();

    // A deblur cannot be resumed (its result goes with the session): the journal keeps nothing of it, no photo, no selection.
    const journal = JSON.stringify(await readJobJournal(path.join(t.userDataDir, 'jobs.jsonl')));
    expect(journal).not.toContain(jobId);
    expect(journal).not.toContain(path.basename(shaky));
    expect(existsSync(path.join(t.userDataDir, 'results', `${jobId}.png`))).toBe(true);
  });

  it('Save As… writes where and as what the system dialog says, from Save’s default; never over the original', async () => {
    const original = path.join(photosDir, 'asked.jpg');
    await sharp(PHOTO).withExif({ IFD0: { Make: 'UnshakeTest' } }).jpeg({ quality: 90 }).toFile(original);
    const originalHash = sha256(original);
    const opened = ok<OpenImageResult>(await open(original));
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' }));
    await followJob(t.services, jobId);
    const saveAs = async (answer: string | null, extra: { strength?: number } = {}) => {
      dialogAnswers.push(answer);
      return t.services.dispatch('job:save-as', { jobId, ...extra });
    };

    // The dialog starts at Save's default, with the photo's own type offered first.
    const picked = path.join(photosDir, 'picked', 'lion for print.png');
    await mkdir(path.dirname(picked));
    expect(ok<{ saved: { path: string } | null }>(await saveAs(picked, { strength: 0.5 })).saved?.path).toBe(picked);
    expect(dialogAsked.at(-1)?.defaultPath).toBe(path.join(photosDir, 'asked-unshaken.jpg'));
    expect(dialogAsked.at(-1)?.formats.map((f) => f.name)).toEqual(['JPEG', 'PNG', 'TIFF', 'WebP']);
    expect(await sharp(picked).metadata()).toMatchObject({ format: 'png', width: 1200, height: 900 });
    expect(await exifr.parse(picked, ['Make'])).toMatchObject({ Make: 'UnshakeTest' });

    // The next Save As… starts in the folder the last one wrote to, at the name Save would use.
    expect(ok<{ saved: unknown }>(await saveAs(null))).toEqual({ saved: null });
    expect(dialogAsked.at(-1)?.defaultPath).toBe(path.join(path.dirname(picked), 'asked-unshaken.jpg'));
    // Cancelled: nothing written. A name with no image extension gets the default type's, dots or not.
    expect(ok<{ saved: unknown }>(await saveAs(null))).toEqual({ saved: null });
    const bare = ok<{ saved: { path: string } }>(await saveAs(path.join(photosDir, 'no-extension'))).saved;
    expect(bare.path).toBe(path.join(photosDir, 'no-extension.jpg'));
    expect((await sharp(bare.path).metadata()).format).toBe('jpeg');
    const dotted = ok<{ saved: { path: string } }>(await saveAs(path.join(photosDir, 'trip 2024.06.01'))).saved;
    expect(dotted.path).toBe(path.join(photosDir, 'trip 2024.06.01.jpg'));
    // Such a name already taken: not replaced (the dialog asked about another name), and said so.
    expect(await saveAs(path.join(photosDir, 'trip 2024.06.01'))).toMatchObject({
      ok: false,
      error: { code: 'OUTPUT_EXISTS', message: expect.stringContaining('type the name with its extension (.jpg) to replace it') },
    });
    // A file the dialog agreed to replace is replaced; the original never is.
    const before = sha256(picked);
    ok(await saveAs(picked));
    expect(sha256(picked)).not.toBe(before);
    expect(await saveAs(original)).toMatchObject({ ok: false, error: { code: 'OUTPUT_EXISTS' } });
    expect(sha256(original)).toBe(originalHash);
    // Listed with the editor's saves for a reloaded window, at the strength each was saved at; the
    // file replaced is listed once, at what it holds now.
    const { deblurs } = ok<{ deblurs: { job: { id: string }; saves: { path: string; strength: number }[] }[] }>(await t.services.dispatch('job:editor-jobs', {}));
    expect(deblurs.find((d) => d.job.id === jobId)?.saves.map((s) => [s.path, s.strength])).toEqual([
      [bare.path, 1],
      [dotted.path, 1],
      [picked, 1],
    ]);
  });

  it('answers the errors of a job that cannot run or be saved', async () => {
    const opened = ok<OpenImageResult>(await open(PHOTO));
    const unknownImage = await t.services.dispatch('job:deblur', { imageId: 'img_00000000deadbeef', strength: 1, modelId: 'placeholder' });
    expect(unknownImage).toMatchObject({ ok: false, error: { code: 'IMAGE_NOT_OPEN' } });

    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'no-such-model' }));
    const last = (await followJob(t.services, jobId)).at(-1);
    expect(last?.state).toMatchObject({ status: 'failed', error: { code: 'MODEL_NOT_FOUND' } });
    expect(await t.services.dispatch('job:save', { jobId })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_DONE' } });
    expect(await t.services.dispatch('job:cancel', { jobId })).toEqual({ ok: true, value: { cancelled: false } });
    expect(await t.services.dispatch('job:status', { jobId: 'job_00000000deadbeef' })).toMatchObject({ ok: false, error: { code: 'JOB_NOT_FOUND' } });
    expect(existsSync(path.join(t.userDataDir, 'results', `${jobId}.png`))).toBe(false);
  });

  it('saves a result at a lower strength without a second deblur, and refuses a higher one', async () => {
    const photo = path.join(photosDir, 'strength.png');
    await sharp(PHOTO).extract({ left: 300, top: 200, width: 400, height: 300 }).withIccProfile('p3').png().toFile(photo);
    const opened = ok<OpenImageResult>(await open(photo));
    const run = async (strength: number) => {
      // The shipped model (its output is clamped to the range, so no clipped highlight differs).
      const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength, modelId: 'base' }));
      expect((await followJob(t.services, jobId)).at(-1)?.state.status).toBe('done');
      return jobId;
    };
    const save = async (jobId: string, name: string, strength?: number) => {
      dialogAnswers.push(path.join(photosDir, name));
      const reply = await t.services.dispatch('job:save-as', { jobId, ...(strength === undefined ? {} : { strength }) });
      return reply.ok ? { ok: true as const, value: (reply.value as { saved: { path: string } }).saved } : reply;
    };
    // The stored values: sharp's raw() would convert the P3 pixels to sRGB (rounding once more).
    const pixels = async (file: string) => Buffer.from((await decodeImage(file)).raster.pixels);

    const full = await run(1);
    const fullPath = ok<{ path: string }>(await save(full, 'full.png')).path;
    const partPath = ok<{ path: string }>(await save(full, 'part.png', 0.4)).path;
    const direct = await run(0.4);
    const directPath = ok<{ path: string }>(await save(direct, 'direct.png')).path;
    const [original, atFull, part, atDirect] = await Promise.all([photo, fullPath, partPath, directPath].map(pixels));
    // The 40 % save is what a 40 % run writes (one level of rounding apart), not the full result.
    let maxOff = 0;
    let changed = 0;
    for (let i = 0; i < original!.length; i++) {
      maxOff = Math.max(maxOff, Math.abs(part![i]! - atDirect![i]!));
      if (part![i] !== atFull![i]) changed++;
    }
    expect(maxOff).toBeLessThanOrEqual(1);
    expect(changed).toBeGreaterThan(1000);

    // More than the job ran with cannot be blended: it says so, and writes nothing.
    const higher = await save(direct, 'higher.png', 0.8);
    expect(higher).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/made at 40 %.*deblur again/) } });
    expect(existsSync(path.join(photosDir, 'higher.png'))).toBe(false);

    // The original edited elsewhere since, at the same size: blending the result with the edit
    // would ghost one over the other. Refused, nothing written; its own strength still saves.
    const kept = await readFile(photo);
    await sharp(kept).flop().png().toFile(`${photo}.edit`);
    await rename(`${photo}.edit`, photo);
    const edited = await save(full, 'lower-edited.png', 0.5);
    expect(edited).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/changed on disk since it was deblurred.*Save at the deblur's strength/) } });
    expect(existsSync(path.join(photosDir, 'lower-edited.png'))).toBe(false);
    const fullAfterEdit = ok<{ path: string }>(await save(full, 'full-edited.png')).path;
    expect((await pixels(fullAfterEdit)).equals(atFull!)).toBe(true);
    // Only rated since (XMP written into the file, as Lightroom or digiKam do): its pixels are
    // those deblurred, so the lower strength saves.
    await sharp(kept).withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="5"/></rdf:RDF></x:xmpmeta>').keepIccProfile().png().toFile(`${photo}.rated`);
    await rename(`${photo}.rated`, photo);
    expect((await readFile(photo)).equals(kept)).toBe(false);
    const rated = ok<{ path: string }>(await save(full, 'lower-rated.png', 0.4)).path;
    expect((await pixels(rated)).equals(part!)).toBe(true);
    await writeFile(photo, kept);

    // The original gone (a card ejected): the result still saves at its own strength, with the
    // original's metadata; a lower strength needs the original's pixels and says so.
    const { icc } = await sharp(photo).metadata();
    await rm(photo);
    const afterGone = ok<{ path: string }>(await save(full, 'after-gone.png')).path;
    expect((await pixels(afterGone)).equals(atFull!)).toBe(true);
    expect((await sharp(afterGone).metadata()).icc?.equals(icc!)).toBe(true);
    const lower = await save(full, 'lower-gone.png', 0.5);
    expect(lower).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND', message: expect.stringMatching(/no longer there.*save at the deblur's strength/) } });
  });

  it('serves full-resolution crops of the photo and of its result for the 100 % view: upright, in sRGB', async () => {
    // Stored sideways (EXIF 6) in Display P3: the crop must be of the upright photo, converted.
    const photo = path.join(photosDir, 'sideways.jpg');
    await sharp(PHOTO).rotate(-90).withMetadata({ orientation: 6 }).withIccProfile('p3').jpeg({ quality: 95 }).toFile(photo);
    const opened = ok<OpenImageResult>(await open(photo));
    expect([opened.metadata.width, opened.metadata.height]).toEqual([1200, 900]);
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await followJob(t.services, jobId)).at(-1)?.state.status).toBe('done');

    const region = { left: 700, top: 500, width: 400, height: 300 };
    const crop = async (id: string) => {
      const response = await t.services.handleImageRequest(cropUrl(id, region));
      expect(response.status).toBe(200);
      return sharp(Buffer.from(await response.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    };
    const expected = (file: string) =>
      sharp(file).autoOrient().extract(region).withIccProfile('srgb').raw().toBuffer();
    const resultFile = path.join(t.userDataDir, 'results', `${jobId}.png`);
    for (const [id, file] of [[opened.imageId, photo], [jobId, resultFile]] as const) {
      const got = await crop(id);
      expect([got.info.width, got.info.height]).toEqual([400, 300]);
      const want = await expected(file);
      let off = 0;
      for (let i = 0; i < want.length; i++) off += Math.abs(got.data[i]! - want[i]!);
      // JPEG at quality 92 in between: a few levels on average, never a shifted or rotated crop.
      expect(off / want.length, id).toBeLessThan(3);
    }
    // Past the photo's edge the crop is clipped; wholly outside it there is nothing to show.
    const clipped = await t.services.handleImageRequest(cropUrl(opened.imageId, { left: 1000, top: 800, width: 400, height: 300 }));
    expect((await sharp(Buffer.from(await clipped.arrayBuffer())).metadata()).width).toBe(200);
    expect((await t.services.handleImageRequest(cropUrl(opened.imageId, { left: 5000, top: 0, width: 10, height: 10 }))).status).toBe(404);
  });

  it('two saves of one photo at once to the default name end as two files, neither replacing the other', async () => {
    const dir = path.join(photosDir, 'race');
    await mkdir(dir);
    const photo = path.join(dir, 'photo.jpg');
    await sharp(PHOTO).resize(600).jpeg({ quality: 90 }).toFile(photo);
    const opened = ok<OpenImageResult>(await open(photo));
    // Two different results (two strengths), both finished before either is saved.
    const jobs: string[] = [];
    for (const strength of [0.3, 1]) {
      const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength, modelId: 'placeholder' }));
      expect((await followJob(t.services, jobId)).at(-1)?.state.status).toBe('done');
      jobs.push(jobId);
    }
    // Both name photo-unshaken.jpg while it is free; the one that finds it taken moves to -2.
    const saved = (await Promise.all(jobs.map((jobId) => t.services.dispatch('job:save', { jobId })))).map((r) => ok<{ path: string; bytes: number }>(r));
    expect(saved.map((s) => s.path).sort()).toEqual([path.join(dir, 'photo-unshaken-2.jpg'), path.join(dir, 'photo-unshaken.jpg')]);
    for (const s of saved) expect(readFileSync(s.path).length, s.path).toBe(s.bytes);
    expect((await readdir(dir)).sort()).toEqual(['photo-unshaken-2.jpg', 'photo-unshaken.jpg', 'photo.jpg']);
  });

  it('lists the bundled models and round-trips settings', async () => {
    const { models } = ok<{ models: { id: string; placeholder: boolean }[] }>(await t.services.dispatch('models:list', {}));
    expect(models.map((m) => m.id)).toContain('placeholder');
    // Listed in main, so the list answers while a long deblur runs on the engine.
    const big = path.join(photosDir, 'big.jpg');
    await sharp(PHOTO).resize(3600, 2700).jpeg({ quality: 90 }).toFile(big);
    const opened = ok<OpenImageResult>(await open(big));
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'base' }));
    const whileRunning = ok<{ models: { id: string }[] }>(await t.services.dispatch('models:list', {})).models;
    expect(whileRunning.map((m) => m.id)).toEqual(models.map((m) => m.id));
    expect(ok<{ state: { status: string } }>(await t.services.dispatch('job:status', { jobId })).state.status).not.toBe('done');
    ok(await t.services.dispatch('job:cancel', { jobId }));
    const status = async () => ok<{ state: { status: string } }>(await t.services.dispatch('job:status', { jobId })).state.status;
    await expect.poll(status, { timeout: 60_000 }).toBe('cancelled');
    expect(ok<{ jpegQuality: number }>(await t.services.dispatch('settings:set', { jpegQuality: 88 })).jpegQuality).toBe(88);
    expect(ok<{ jpegQuality: number }>(await t.services.dispatch('settings:get', {})).jpegQuality).toBe(88);
  });
});
