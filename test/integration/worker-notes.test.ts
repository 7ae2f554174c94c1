import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { readJpegHead } from '../../model/src/image/jpeg-head.js';
import { headQuality } from '../../model/src/image/jpeg-quality.js';
import { writeRgbTiff } from '../fixtures/tiff-writer.js';
import { isoUltraHdr, TAGS, tagUltraHdr } from '../fixtures/ultra-hdr.js';
import { followJob, ok, startTestServices, type ServicesUnderTest } from './worker-helpers.js';

/**
 * What a result leaves out of its photo reaches the app: on the deblur's and the batch photo's
 * `done` state, and, for what only the save's format cannot hold (an HDR gain map, transparency), on the save.
 */
const W = 64;
const H = 48;

describe('notes on results in the app', () => {
  let t: ServicesUnderTest;
  beforeAll(async () => {
    t = await startTestServices('notes');
  });
  afterAll(() => t?.services.close());

  const deblur = async (file: string): Promise<JobSnapshot> => {
    const { imageId } = ok<{ imageId: string }>(await t.services.dispatch('image:open', { path: file }));
    const { jobId } = ok<{ jobId: string }>(await t.services.dispatch('job:deblur', { imageId, strength: 1, modelId: 'placeholder' }));
    const following = followJob(t.services, jobId).then((u) => u.at(-1)!);
    const now = ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId }));
    return now.state.status === 'done' || now.state.status === 'failed' ? now : following;
  };

  it('an HDR (gain map) JPEG: saved as JPEG it keeps the gain map, rating and keywords; saved as PNG the save says it cannot hold the gain map', async () => {
    const data = new Float32Array(W * H * 3);
    for (let i = 0; i < W * H; i++) data.fill(i % W < W / 2 ? 0.2 : 4, i * 3, i * 3 + 3);
    const hdr = path.join(t.workDir, 'hdr.tif');
    await writeRgbTiff(hdr, { width: W, height: H, pixels: data });
    const photo = await tagUltraHdr(await isoUltraHdr(hdr, path.join(t.workDir, 'iso.jpg')), path.join(t.workDir, 'pixel.jpg'));
    const job = await deblur(photo);
    expect(job.state.status).toBe('done');
    const asJpeg = ok<{ path: string; notes?: string[] }>(await t.services.dispatch('job:save', { jobId: job.id, format: 'jpeg' }));
    expect(asJpeg.notes).toBeUndefined();
    expect((await sharp(asJpeg.path).metadata()).gainMap?.image.length).toBeGreaterThan(100);
    expect(await exifr.parse(asJpeg.path, { xmp: true, iptc: true })).toMatchObject({ Rating: TAGS.rating, subject: TAGS.subject, Keywords: TAGS.keyword, Byline: TAGS.byline });
    const asPng = ok<{ path: string; notes?: string[] }>(await t.services.dispatch('job:save', { jobId: job.id, format: 'png' }));
    expect(asPng.notes).toEqual([expect.stringMatching(/^pixel\.jpg is an HDR photo .*PNG cannot hold the gain map/)]);
    const pngXmp = (await sharp(asPng.path).metadata()).xmp?.toString('utf8') ?? '';
    expect([pngXmp.includes(`xmp:Rating="${TAGS.rating}"`), pngXmp.includes(`<rdf:li>${TAGS.byline}</rdf:li>`)]).toEqual([true, true]);
  });

  it('a transparent PNG: saved as JPEG the save says its transparency is flattened; saved as PNG nothing', async () => {
    const pixels = Buffer.alloc(W * H * 4);
    for (let i = 0; i < W * H; i++) pixels.set([200, 50, 80, (i % W) * 4], i * 4);
    const photo = path.join(t.workDir, 'cutout.png');
    await sharp(pixels, { raw: { width: W, height: H, channels: 4 } }).png().toFile(photo);
    const job = await deblur(photo);
    expect(job.state.status).toBe('done');
    const asJpeg = ok<{ notes?: string[] }>(await t.services.dispatch('job:save', { jobId: job.id, format: 'jpeg' }));
    expect(asJpeg.notes).toEqual(['cutout.png has transparency: the JPEG result is flattened onto white (choose PNG, TIFF or WebP to keep it).']);
    expect(ok<{ notes?: string[] }>(await t.services.dispatch('job:save', { jobId: job.id, format: 'png' })).notes).toBeUndefined();
  });

  it('a q98 JPEG: the editor is told its quality; saved with the setting at 80 it keeps 98 and says so, as its batch result does', async () => {
    const pixels = Buffer.alloc(W * H * 3);
    for (let i = 0; i < W * H * 3; i++) pixels[i] = (i * 37) % 251;
    const photo = path.join(t.workDir, 'fine.jpg');
    await sharp(pixels, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 98 }).toFile(photo);
    const opened = ok<{ metadata: { jpegQuality?: number } }>(await t.services.dispatch('image:open', { path: photo }));
    expect(opened.metadata.jpegQuality).toBe(98);
    const kept = 'fine.jpg is a JPEG of quality 98: its result is kept at quality 98, the photo\'s own, above the setting\'s 80.';
    const job = await deblur(photo);
    const saved = ok<{ path: string; notes?: string[] }>(await t.services.dispatch('job:save', { jobId: job.id, quality: 80 }));
    expect([headQuality(await readJpegHead(saved.path)), saved.notes]).toEqual([98, [kept]]);
    // Saved as WebP, the setting is what is written: nothing to say.
    expect(ok<{ notes?: string[] }>(await t.services.dispatch('job:save', { jobId: job.id, format: 'webp', quality: 80 })).notes).toBeUndefined();
    // A batch takes the stored setting (95).
    const folder = path.join(t.workDir, 'fine-batch');
    await mkdir(folder);
    await sharp(pixels, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 98 }).toFile(path.join(folder, 'fine.jpg'));
    const reply = ok<{ items: { jobId: string }[] }>(await t.services.dispatch('job:batch', { paths: [path.join(folder, 'fine.jpg')], strength: 1, modelId: 'placeholder' }));
    const jobId = reply.items[0]!.jobId;
    const following = followJob(t.services, jobId).then((u) => u.at(-1)!);
    const now = ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId }));
    const end = now.state.status === 'done' ? now : await following;
    expect(end.state).toMatchObject({ status: 'done', notes: [kept.replace("setting's 80", "setting's 95")] });
  });

  it('a TIFF with a saved selection: the deblur says the extra channel is not kept', async () => {
    const pixels = new Uint8Array(W * H * 4).fill(120);
    const file = path.join(t.workDir, 'selection.tif');
    await writeRgbTiff(file, { width: W, height: H, pixels, extraSamples: [0] });
    const job = await deblur(file);
    expect(job.state).toMatchObject({ status: 'done', notes: [expect.stringMatching(/^selection\.tif has an extra channel .* not kept/)] });
  });

  it('a batch photo with several pages says only the first is deblurred', async () => {
    const frame = Buffer.alloc(W * H * 3, 128);
    const file = path.join(t.workDir, 'batch', 'pages.tif');
    await mkdir(path.dirname(file));
    await sharp(Buffer.concat([frame, frame]), { raw: { width: W, height: H * 2, channels: 3, pageHeight: H } }).tiff().toFile(file);
    const reply = ok<{ items: { jobId: string }[] }>(await t.services.dispatch('job:batch', { paths: [file], strength: 1, modelId: 'placeholder' }));
    const jobId = reply.items[0]!.jobId;
    const following = followJob(t.services, jobId).then((u) => u.at(-1)!);
    const now = ok<JobSnapshot>(await t.services.dispatch('job:status', { jobId }));
    const end = now.state.status === 'done' ? now : await following;
    expect(end.state).toMatchObject({ status: 'done', notes: ['pages.tif has 2 pages or frames; only the first is deblurred and saved.'] });
  });
});
