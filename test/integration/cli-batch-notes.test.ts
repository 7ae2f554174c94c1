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
});
