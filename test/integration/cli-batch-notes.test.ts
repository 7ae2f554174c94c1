import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-run.js';

/** What a result leaves out of its photo is said for each photo of a batch, as for one photo. */
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-batch-notes-'));
  const frame = Buffer.alloc(48 * 32 * 3, 128);
  await sharp(Buffer.concat([frame, frame, frame]), { raw: { width: 48, height: 96, channels: 3, pageHeight: 32 } }).tiff().toFile(path.join(dir, 'pages.tif'));
  await sharp(frame, { raw: { width: 48, height: 32, channels: 3 } }).jpeg().toFile(path.join(dir, 'plain.jpg'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('batch notes', () => {
  it('says per photo that only the first page is deblurred, in the lines and in --json', async () => {
    const r = await runCli(['deblur', dir, '--subfolder', 'out', '--model', 'placeholder', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\[1\/2\] pages\.tif: note: pages\.tif has 3 pages or frames; only the first is deblurred and saved\.$/m);
    const summary = JSON.parse(r.stdout) as { photos: { input: string; notes: string[] }[] };
    const notes = Object.fromEntries(summary.photos.map((p) => [path.basename(p.input), p.notes]));
    expect(notes).toEqual({ 'pages.tif': ['pages.tif has 3 pages or frames; only the first is deblurred and saved.'], 'plain.jpg': [] });
  });

  it('says a photo’s transparency is flattened when the result is a JPEG, and not when it is a PNG', async () => {
    const pixels = Buffer.alloc(64 * 48 * 4);
    for (let i = 0; i < 64 * 48; i++) pixels.set([200, 50, 80, (i % 64) * 4], i * 4);
    const photo = path.join(dir, 'alpha.png');
    await sharp(pixels, { raw: { width: 64, height: 48, channels: 4 } }).png().toFile(photo);
    for (const format of ['jpeg', 'png']) {
      const out = path.join(dir, `alpha-out.${format}`);
      const r = await runCli(['deblur', photo, '--format', format, '--region', '20,20,30,20', '--out', out, '--model', 'placeholder', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const [result] = (JSON.parse(r.stdout) as { photos: { notes: string[] }[] }).photos;
      expect([format, result?.notes.filter((n) => /transparen/.test(n))]).toEqual([format, format === 'jpeg' ? ['alpha.png has transparency: the JPEG result is flattened onto white (choose PNG, TIFF or WebP to keep it).'] : []]);
    }
  });
});
