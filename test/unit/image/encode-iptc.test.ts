import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { iimDatasets, jpegWithSegment, photoshopBlock } from '../../fixtures/exif-blocks.js';
import { useTempDir } from '../../fixtures/make-images.js';

/** IPTC (caption, keywords, credit) goes with a JPEG or TIFF result; checked with exifr and libvips. */
const tempDir = useTempDir('unshake-iptc-');

async function saveAs(source: string, name: string, format: 'jpeg' | 'tiff'): Promise<string> {
  const { raster, source: meta } = await decodeImage(source);
  return (await encodeImage(raster, meta, { path: join(tempDir(), name), format })).path;
}

describe('IPTC in results', () => {
  it('a JPEG’s IPTC reaches JPEG and TIFF results, and from the TIFF a JPEG again', async () => {
    const datasets = iimDatasets([
      [5, 'Storm over the lake'],
      [25, 'storm'],
      [25, 'lake'],
      [80, 'Jane Photographer'],
      [116, '(c) Jane Photographer'],
    ]);
    const plain = await sharp({ create: { width: 40, height: 24, channels: 3, background: '#8a6f4c' } }).jpeg({ quality: 95 }).toBuffer();
    const source = join(tempDir(), 'press.jpg');
    await writeFile(source, jpegWithSegment(plain, 0xed, photoshopBlock(datasets)));
    const expected = { ObjectName: 'Storm over the lake', Keywords: ['storm', 'lake'], Byline: 'Jane Photographer', CopyrightNotice: '(c) Jane Photographer' };
    expect(await exifr.parse(source, { iptc: true })).toMatchObject(expected);

    expect(await exifr.parse(await saveAs(source, 'press-out.jpg', 'jpeg'), { iptc: true })).toMatchObject(expected);
    // exifr reads no IPTC from a TIFF: libvips does, the datasets as they were (padded to LONGs).
    const tiff = await saveAs(source, 'press-out.tif', 'tiff');
    expect((await sharp(tiff).metadata()).iptc?.subarray(0, datasets.length).equals(datasets)).toBe(true);
    expect(await exifr.parse(await saveAs(tiff, 'press-again.jpg', 'jpeg'), { iptc: true })).toMatchObject(expected);
  });
});
