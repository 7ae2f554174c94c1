import { readFile, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { basename, join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { reencode } from '../../fixtures/reencode.js';
import { exifBlock, jpegWithExif, jpegWithSegment } from '../../fixtures/exif-blocks.js';
import { makePng16, useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir('unshake-encode-extras-');

/** A PNG with only a pHYs chunk (no EXIF): `unit` 1 is the metre, 0 only an aspect ratio. */
async function pngWithPhys(name: string, perUnit: number, unit: 0 | 1): Promise<string> {
  const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#506070' } }).png().toBuffer();
  const data = Buffer.alloc(9);
  data.writeUInt32BE(perUnit, 0);
  data.writeUInt32BE(perUnit, 4);
  data[8] = unit;
  const typed = Buffer.concat([Buffer.from('pHYs', 'latin1'), data]);
  const chunk = Buffer.alloc(12 + 9);
  chunk.writeUInt32BE(9, 0);
  typed.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typed) >>> 0, 17);
  const afterIhdr = 8 + 8 + 13 + 4;
  const path = join(tempDir(), name);
  await writeFile(path, Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]));
  return path;
}

const saveAs = (source: string, name: string) => reencode(source, join(tempDir(), name));

/** `png` without its pHYs chunk (sharp always writes one): a PNG that states no resolution. */
function withoutPhys(png: Buffer): Buffer {
  const parts = [png.subarray(0, 8)];
  for (let pos = 8; pos < png.length; pos += 12 + png.readUInt32BE(pos)) {
    if (png.toString('latin1', pos + 4, pos + 8) !== 'pHYs') parts.push(png.subarray(pos, pos + 12 + png.readUInt32BE(pos)));
  }
  return Buffer.concat(parts);
}

describe('what else a result keeps, and what it must not', () => {
  it('the print resolution (300 ppi) is kept in JPEG, PNG and TIFF, from JPEG and from 16-bit PNG', async () => {
    const jpeg = join(tempDir(), 'print.jpg');
    await sharp({ create: { width: 30, height: 20, channels: 3, background: '#506070' } }).withMetadata({ density: 300 }).jpeg().toFile(jpeg);
    const png16 = join(tempDir(), 'print16.png');
    await sharp((await makePng16(tempDir())).path).withMetadata({ density: 300 }).png().toFile(png16);
    for (const source of [jpeg, png16]) {
      for (const ext of ['jpg', 'png', 'tif']) {
        const out = await saveAs(source, `${source.endsWith('.png') ? 'from-png' : 'from-jpeg'}.${ext}`);
        expect([ext, (await sharp(out).metadata()).density]).toEqual([ext, 300]);
      }
    }
  });

  it('a PNG’s 300 ppi (pHYs, no EXIF) reaches JPEG, PNG and TIFF; a pHYs without a unit stamps nothing', async () => {
    const stated = await pngWithPhys('stated.png', 11811, 1);
    for (const ext of ['jpg', 'png', 'tif']) expect([ext, (await sharp(await saveAs(stated, `stated-out.${ext}`)).metadata()).density]).toEqual([ext, 300]);
    // 72:72 with unit 0 is an aspect ratio, which sharp would read as 1829 ppi.
    const aspect = await pngWithPhys('aspect.png', 72, 0);
    expect((await sharp(aspect).metadata()).density).toBe(1829);
    for (const ext of ['png', 'tif']) expect([ext, (await sharp(await saveAs(aspect, `aspect-out.${ext}`)).metadata()).density]).not.toEqual([ext, 1829]);
  });

  it('a photo stating no resolution, or 72 ppi without EXIF, gives PNG and TIFF results of 72 ppi, never libvips’ 25.4', async () => {
    const png16 = join(tempDir(), 'unstated16.png');
    await writeFile(png16, withoutPhys(await readFile((await makePng16(tempDir())).path)));
    const avif = join(tempDir(), 'unstated.avif');
    await sharp({ create: { width: 30, height: 20, channels: 3, background: '#506070' } }).avif().toFile(avif);
    // libjpeg's JFIF says 72 ppi; no EXIF.
    const jfif72 = join(tempDir(), 'jfif72.jpg');
    await sharp({ create: { width: 30, height: 20, channels: 3, background: '#506070' } }).jpeg().toFile(jfif72);
    for (const [source, stated] of [[png16, undefined], [avif, undefined], [jfif72, 72]] as const) {
      const meta = await sharp(source).metadata();
      expect([source, meta.exif, source.endsWith('.png') ? undefined : meta.density]).toEqual([source, undefined, stated]);
      for (const ext of ['png', 'tif']) {
        const out = await saveAs(source, `${basename(source)}-out.${ext}`);
        expect([out, (await sharp(out).metadata()).density]).toEqual([out, 72]);
      }
    }
  });

  it('a JPEG or WebP result states the resolution its EXIF block does not: from a TIFF with camera EXIF, from JFIF', async () => {
    // Camera EXIF without a resolution, 300 ppi in JFIF.
    const plain = await sharp({ create: { width: 40, height: 24, channels: 3, background: '#506070' } }).jpeg().toBuffer();
    const withExif = jpegWithExif(plain, exifBlock(true, { ifd0: [[0x010f, { type: 'ascii', text: 'Canon' }]] }));
    // JFIF 1.01, unit 1 (the inch), 300 × 300, no thumbnail: first, as JFIF must be.
    const app0 = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, 300 >> 8, 300 & 0xff, 300 >> 8, 300 & 0xff, 0, 0]);
    const jfif = join(tempDir(), 'jfif300.jpg');
    await writeFile(jfif, jpegWithSegment(withExif, 0xe0, app0));
    expect((await sharp(jfif).metadata()).density).toBe(300);
    const fromJfif = await saveAs(jfif, 'jfif-out.jpg');
    expect((await sharp(fromJfif).metadata()).density).toBe(300);
    // WebP states it only in EXIF.
    const { exif } = await sharp(await saveAs(jfif, 'jfif-out.webp')).metadata();
    const bare = exif!.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif!.subarray(6) : exif!;
    // (libvips writes it from pixels per millimetre: 299.999.)
    const tags = (await exifr.parse(bare, { pick: ['XResolution', 'ResolutionUnit', 'Make'], translateValues: false })) as { Make: string; XResolution: number; ResolutionUnit: number };
    expect([tags.Make, tags.ResolutionUnit]).toEqual(['Canon', 2]);
    expect(tags.XResolution).toBeCloseTo(300, 1);
    // The raw converter's 16-bit TIFF: its EXIF (written here from the JPEG's) and its 300 ppi.
    const tiff = await saveAs(jfif, 'converted.tif');
    expect((await sharp(tiff).metadata()).density).toBe(300);
    const fromTiff = await saveAs(tiff, 'converted-out.jpg');
    expect([(await sharp(fromTiff).metadata()).density, (await exifr.parse(fromTiff)).Make]).toEqual([300, 'Canon']);
  });

  it('a WebP’s resolution, which only its EXIF holds, reaches a TIFF', async () => {
    const webp = join(tempDir(), 'print.webp');
    await sharp({ create: { width: 30, height: 20, channels: 3, background: '#506070' } }).withMetadata({ density: 240 }).webp().toFile(webp);
    expect((await sharp(webp).metadata()).density).toBeUndefined();
    expect((await sharp(await saveAs(webp, 'from-webp.tif')).metadata()).density).toBe(240);
  });

  it('the EXIF thumbnail (the photo as stored: blurred, maybe sideways) is not carried into results', async () => {
    const plain = await sharp({ create: { width: 40, height: 24, channels: 3, background: '#8a6f4c' } }).jpeg().toBuffer();
    const block = exifBlock(true, {
      ifd0: [[0x010f, { type: 'ascii', text: 'Canon' }]],
      exif: [[0x8827, { type: 'short', values: [200] }]],
      ifd1: [[0x010e, { type: 'ascii', text: 'stale thumbnail directory' }]],
      thumbnail: await sharp({ create: { width: 16, height: 10, channels: 3, background: '#8a6f4c' } }).jpeg().toBuffer(),
    });
    const source = join(tempDir(), 'thumb.jpg');
    await writeFile(source, jpegWithExif(plain, block));
    const before = (await exifr.parse(source, { ifd1: true, mergeOutput: false })) as Record<string, unknown>;
    expect(before.ifd1).toMatchObject({ ImageDescription: 'stale thumbnail directory' });
    expect((await exifr.thumbnail(source))?.length).toBeGreaterThan(100);
    for (const ext of ['jpg', 'png', 'webp']) {
      // exifr reads no WebP: the EXIF block as sharp finds it, without its "Exif\0\0" prefix.
      const { exif } = await sharp(await saveAs(source, `thumb-out.${ext}`)).metadata();
      const bare = exif?.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
      const tags = (await exifr.parse(bare!, { ifd1: true, mergeOutput: false })) as Record<string, unknown>;
      expect([ext, tags.ifd0, tags.ifd1]).toEqual([ext, expect.objectContaining({ Make: 'Canon' }), undefined]);
    }
  });
});
