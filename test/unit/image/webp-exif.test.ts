import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { insertWebpExif } from '../../../model/src/image/webp-exif.js';
import { exifBlock } from '../../fixtures/exif-blocks.js';
import { useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir('unshake-webp-exif-');
const block = exifBlock(true, { ifd0: [[0x010f, { type: 'ascii', text: 'FUJIFILM' }]] });

describe('EXIF added to a WebP libvips wrote', () => {
  it.each([
    ['simple lossy (no VP8X: one is made)', (s: Sharp) => s.webp(), false],
    ['lossless with alpha (no VP8X: one is made, alpha flagged)', (s: Sharp) => s.ensureAlpha(0.5).webp({ lossless: true }), true],
    ['extended, with a profile and XMP (EXIF goes before the XMP)', (s: Sharp) => s.withIccProfile('p3').withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>').webp(), false],
  ])('%s: it decodes as before, with the EXIF block as it was', async (name, write, alpha) => {
    const path = join(tempDir(), `${name.split(' ')[0]}.webp`);
    await write(sharp({ create: { width: 30, height: 20, channels: 3, background: '#567' } })).toFile(path);
    // Read from the bytes: libvips caches what it loaded by file name.
    const read = async () => sharp(await readFile(path));
    const pixels = await (await read()).raw().toBuffer();
    const before = await (await read()).metadata();
    await insertWebpExif(path, block, `${path}.scratch`, { width: 30, height: 20, alpha });
    const after = await (await read()).metadata();
    expect([after.width, after.height, after.hasAlpha, after.exif?.equals(block), !!after.xmp, after.icc?.length]).toEqual([30, 20, before.hasAlpha, true, !!before.xmp, before.icc?.length]);
    expect((await (await read()).raw().toBuffer()).equals(pixels)).toBe(true);
  });
});
