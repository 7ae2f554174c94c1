import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRgbTiff } from '../fixtures/tiff-writer.js';
import { isoUltraHdr, TAGS, tagUltraHdr } from '../fixtures/ultra-hdr.js';
import { runCli } from './cli-run.js';

/** An HDR (gain map) JPEG's rating and keywords go with its result from the command line too. */
let dir = '';
let photo = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-uhdr-'));
  const [w, h] = [64, 48];
  const data = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.fill(i % w < w / 2 ? 0.2 : 4, i * 3, i * 3 + 3);
  const hdr = path.join(dir, 'hdr.tif');
  await writeRgbTiff(hdr, { width: w, height: h, pixels: data });
  photo = await tagUltraHdr(await isoUltraHdr(hdr, path.join(dir, 'iso.jpg')), path.join(dir, 'rated.jpg'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('deblur an Ultra HDR photo', () => {
  it('keeps its XMP rating and subject and its IPTC keywords and by-line, with the gain map', async () => {
    const r = await runCli(['deblur', photo, '--model', 'placeholder']);
    expect(r.code, r.stderr).toBe(0);
    const out = path.join(dir, 'rated-unshaken.jpg');
    expect((await sharp(out).metadata()).gainMap).toBeDefined();
    expect(await exifr.parse(out, { xmp: true, iptc: true })).toMatchObject({ Rating: TAGS.rating, subject: TAGS.subject, Keywords: TAGS.keyword, Byline: TAGS.byline });
  });
});
