import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { readMetadataSummary } from '../../../model/src/image/metadata.js';
import { readTiffExif } from '../../../model/src/image/tiff-exif.js';
import { reencode } from '../../fixtures/reencode.js';
import { canonMakerNote, exifBlock, tiffWithExifEntries, writeJpegWithExif, type ExifEntries, type RawEntry } from '../../fixtures/exif-blocks.js';
import { CAMERA_EXIF, makeOrientedPhoto, ORIENTED, useTempDir } from '../../fixtures/make-images.js';

/**
 * libvips reads no EXIF from a TIFF and writes none into one; tiff-exif.ts does both. Checked
 * with exifr, an independent reader, on files whose EXIF is written by sharp or byte by byte.
 */
const tempDir = useTempDir('unshake-tiff-exif-');

const MAKE = 0x010f;
const MODEL = 0x0110;
const EXPOSURE_TIME = 0x829a;
const ISO = 0x8827;
const DATE_TIME_ORIGINAL = 0x9003;
const MAKER_NOTE = 0x927c;

const jpegWith = (name: string, block: Buffer) => writeJpegWithExif(join(tempDir(), name), block);
const toFormat = (source: string, name: string, format: 'tiff' | 'jpeg') => reencode(source, join(tempDir(), name), format);

const cameraEntries = (note?: ExifEntries['exif']): ExifEntries => ({
  ifd0: [
    [MAKE, { type: 'ascii', text: 'Canon' }],
    [MODEL, { type: 'ascii', text: 'Canon EOS R5' }],
  ],
  exif: [
    [EXPOSURE_TIME, { type: 'rational', values: [[1, 250]] }],
    [ISO, { type: 'short', values: [800] }],
    [DATE_TIME_ORIGINAL, { type: 'ascii', text: '2024:05:06 07:08:09' }],
    ...(note ?? []),
  ],
});

describe('EXIF in TIFF output', () => {
  it('a camera JPEG saved as TIFF keeps its EXIF, upright, with the pixels and profile intact', async () => {
    const source = await makeOrientedPhoto(tempDir());
    const { raster, source: meta } = await decodeImage(source);
    const { path } = await encodeImage(raster, meta, { path: join(tempDir(), 'camera.tif') });
    const tags = await exifr.parse(path, { reviveValues: false, translateValues: false });
    expect(tags).toMatchObject({
      Make: CAMERA_EXIF.Make,
      Model: CAMERA_EXIF.Model,
      DateTimeOriginal: CAMERA_EXIF.DateTimeOriginal,
      OffsetTimeOriginal: CAMERA_EXIF.OffsetTimeOriginal,
      LensModel: CAMERA_EXIF.LensModel,
      ExposureTime: 1 / 60,
      FNumber: 2.8,
      Orientation: 1,
    });
    // JPEG-only tags (the compressed size, YCbCr components) are not carried into a TIFF.
    expect(tags).not.toHaveProperty('ExifImageWidth');
    expect(tags).not.toHaveProperty('ComponentsConfiguration');
    const written = await sharp(path).metadata();
    expect([written.width, written.height, written.orientation, written.icc?.equals(meta.icc!)]).toEqual([ORIENTED.width, ORIENTED.height, 1, true]);
    // Rewriting the directory must not touch the image data.
    const back = await decodeImage(path);
    expect(Buffer.from(back.raster.pixels.buffer).equals(Buffer.from(raster.pixels.buffer))).toBe(true);
  });

  it('a TIFF with EXIF shows its camera and hands its EXIF on to JPEG and TIFF results', async () => {
    const tiff = await toFormat(await makeOrientedPhoto(tempDir()), 'source.tif', 'tiff');
    expect(await readMetadataSummary(tiff)).toMatchObject({ format: 'tiff', camera: 'Canon EOS R5', lens: CAMERA_EXIF.LensModel, exposure: '1/60 s · f/2.8 · ISO 400 · 35 mm' });
    for (const [name, format] of [['from-tiff.jpg', 'jpeg'], ['from-tiff.tif', 'tiff']] as const) {
      const tags = await exifr.parse(await toFormat(tiff, name, format), { reviveValues: false, translateValues: false });
      expect(tags).toMatchObject({ Make: CAMERA_EXIF.Make, LensModel: CAMERA_EXIF.LensModel, DateTimeOriginal: CAMERA_EXIF.DateTimeOriginal, Orientation: 1 });
    }
  });

  it('a TIFF without EXIF gives no EXIF block, whatever resolution it states', async () => {
    const path = join(tempDir(), 'no-exif.tif');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } }).tiff({ xres: 300 / 25.4, yres: 300 / 25.4, resolutionUnit: 'inch' }).toFile(path);
    expect(await readTiffExif(path)).toBeNull();
  });

  it('big-endian EXIF is written in the TIFF’s own byte order with the same values', async () => {
    const source = await jpegWith('motorola.jpg', exifBlock(false, cameraEntries()));
    const expected = { Make: 'Canon', Model: 'Canon EOS R5', ExposureTime: 1 / 250, ISO: 800, DateTimeOriginal: '2024:05:06 07:08:09' };
    expect(await exifr.parse(source, { reviveValues: false })).toMatchObject(expected);
    const tiff = await toFormat(source, 'motorola.tif', 'tiff');
    expect((await readFile(tiff)).toString('latin1', 0, 2)).toBe('II');
    expect(await exifr.parse(tiff, { reviveValues: false })).toMatchObject(expected);
  });

  it('a Canon MakerNote keeps pointing at its own values after the move', async () => {
    const text = 'Canon EOS R5 test image type';
    const note = canonMakerNote(true, text);
    const source = await jpegWith('canon.jpg', exifBlock(true, cameraEntries([[MAKER_NOTE, { type: 'undefined', ...note }]])));
    const tiff = await toFormat(source, 'canon.tif', 'tiff');
    const { makerNote } = (await exifr.parse(tiff, { makerNote: true })) as { makerNote: Uint8Array };
    const moved = Buffer.from(makerNote);
    // The note's one entry stores its string elsewhere, at an offset from the file's start.
    const valueAt = moved.readUInt32LE(10);
    expect((await readFile(tiff)).toString('latin1', valueAt, valueAt + text.length)).toBe(text);
    // Its footer names where the note now sits (its string is 18 bytes in).
    expect(moved.readUInt32LE(moved.length - 4)).toBe(valueAt - 18);
  });

  it('a MakerNote of a layout it does not know is left out, the rest kept', async () => {
    const entries = cameraEntries([[MAKER_NOTE, { type: 'undefined', bytes: Buffer.from('ACME\0\x01 opaque maker data with offsets') }]]);
    entries.ifd0[0] = [MAKE, { type: 'ascii', text: 'Acme' }];
    const tiff = await toFormat(await jpegWith('acme.jpg', exifBlock(true, entries)), 'acme.tif', 'tiff');
    const tags = await exifr.parse(tiff, { makerNote: true, reviveValues: false });
    expect(tags).toMatchObject({ Make: 'Acme', ISO: 800 });
    expect(tags).not.toHaveProperty('makerNote');
  });

  it('a self-contained (Nikon) MakerNote is kept byte for byte, from either byte order', async () => {
    const nikon = Buffer.concat([Buffer.from('Nikon\0\x02\x10\0\0MM\0*\0\0\0\x08', 'latin1'), Buffer.alloc(24, 7)]);
    const entries = cameraEntries([[MAKER_NOTE, { type: 'undefined', bytes: nikon }]]);
    entries.ifd0[0] = [MAKE, { type: 'ascii', text: 'NIKON CORPORATION' }];
    const tiff = await toFormat(await jpegWith('nikon.jpg', exifBlock(false, entries)), 'nikon.tif', 'tiff');
    const { makerNote } = (await exifr.parse(tiff, { makerNote: true })) as { makerNote: Uint8Array };
    expect(Buffer.from(makerNote).equals(nikon)).toBe(true);
  });

  it('a Motorola-order UNICODE UserComment reads the same from the Intel-order TIFF', async () => {
    const comment = Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), Buffer.from('hé!', 'utf16le').swap16()]);
    const entries = cameraEntries([[0x9286, { type: 'undefined', bytes: comment }]]);
    const source = await jpegWith('comment.jpg', exifBlock(false, entries));
    // exifr hands UserComment over as its bytes: UCS-2 in the file's byte order after the charset.
    const text = async (file: string, little: boolean) => {
      const { userComment } = (await exifr.parse(file, { pick: ['UserComment'] })) as { userComment: Uint8Array };
      const ucs2 = Buffer.from(userComment).subarray(8);
      return (little ? ucs2 : Buffer.from(ucs2).swap16()).toString('utf16le');
    };
    expect(await text(source, false)).toBe('hé!');
    expect(await text(await toFormat(source, 'comment.tif', 'tiff'), true)).toBe('hé!');
  });

  it('a TIFF whose EXIF entries claim a gigabyte opens in bounded memory, its EXIF cut short', async () => {
    // 1000 entries of 1 MiB each, all the same megabyte of the file: a gigabyte read from 1 MB.
    const crafted = tiffWithExifEntries(Array.from({ length: 1000 }, (_, i) => [0x9000 + i, 7, 1024 * 1024, 8] as RawEntry), 1024 * 1024 + 16 * 1024);
    const path = join(tempDir(), 'crafted.tif');
    await writeFile(path, crafted);
    const before = process.memoryUsage().rss;
    const summary = await readMetadataSummary(path);
    expect([summary.format, summary.width, summary.camera]).toEqual(['tiff', 8, null]);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('damaged EXIF pointers (a loop, past the end) cost only what they point to', async () => {
    const looping = exifBlock(true, { ...cameraEntries(), exifPointer: 8, gpsPointer: 1_000_000 });
    const tiff = await toFormat(await jpegWith('looping.jpg', looping), 'looping.tif', 'tiff');
    const tags = await exifr.parse(tiff, { reviveValues: false });
    expect(tags).toMatchObject({ Make: 'Canon', Model: 'Canon EOS R5' });
    expect(tags).not.toHaveProperty('ISO');
    expect((await sharp(tiff).metadata()).width).toBe(40);
  });
});
