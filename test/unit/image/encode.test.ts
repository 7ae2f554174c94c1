import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { iccDescription } from '../../../model/src/image/icc.js';
import type { RasterImage, SourceMetadata } from '../../../model/src/image/types.js';
import {
  CAMERA_EXIF,
  makeCmykJpeg,
  makeGrayPng,
  makeOrientedPhoto,
  makePng16,
  makeRgbaPng,
  useTempDir,
  meanColour,
  ORIENTED,
  QUADRANTS,
} from '../../fixtures/make-images.js';

const tempDir = useTempDir();

const out = (name: string) => join(tempDir(), name);

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Encode to each lossless file, decode again: same layout, same depth, identical samples. */
async function expectLossless(raster: RasterImage, source: SourceMetadata, names: string[]): Promise<void> {
  for (const name of names) {
    const { path } = await encodeImage(raster, source, { path: out(name) });
    const back = await decodeImage(path);
    expect([back.raster.width, back.raster.height, back.raster.channels, back.raster.bitDepth]).toEqual([
      raster.width,
      raster.height,
      raster.channels,
      raster.bitDepth,
    ]);
    expect(Array.from(back.raster.pixels)).toEqual(Array.from(raster.pixels));
  }
}

describe('encodeImage round trips', () => {
  it('JPEG: upright pixels, orientation 1, original ICC and camera EXIF survive', async () => {
    const { raster, source } = await decodeImage(await makeOrientedPhoto(tempDir()));
    const result = await encodeImage(raster, source, { path: out('oriented-out.jpg') });
    expect(result.path).toBe(out('oriented-out.jpg'));

    const meta = await sharp(result.path).metadata();
    expect([meta.format, meta.width, meta.height, meta.orientation]).toEqual(['jpeg', ORIENTED.width, ORIENTED.height, 1]);
    expect(meta.icc?.equals(source.icc!)).toBe(true);
    expect(result.bytes).toBe((await stat(result.path)).size);

    const tags = await exifr.parse(result.path, { reviveValues: false, translateValues: false });
    expect(tags).toMatchObject({
      Make: CAMERA_EXIF.Make,
      Model: CAMERA_EXIF.Model,
      DateTimeOriginal: CAMERA_EXIF.DateTimeOriginal,
      LensModel: CAMERA_EXIF.LensModel,
      Orientation: 1,
      ExifImageWidth: ORIENTED.width,
    });

    const again = await decodeImage(result.path);
    // JPEG re-encoding at q95 keeping the photo's 4:2:0 (jpeg-quality.ts): small on average, more
    // where half-resolution colour meets the quadrants' hard saturated edges (measured: mean 2.2, max 34).
    expect(meanAbsDiff(again.raster.pixels, raster.pixels)).toBeLessThan(3);
    expect(maxAbsDiff(again.raster.pixels, raster.pixels)).toBeLessThanOrEqual(40);
    const topLeft = meanColour(again.raster.pixels, ORIENTED.width, 3, 10, 8);
    expect(maxAbsDiff(topLeft, meanColour(raster.pixels, ORIENTED.width, 3, 10, 8))).toBeLessThan(2);
    expect(topLeft[0]!).toBeGreaterThan(QUADRANTS.topLeft[1] + 100);
  });

  it('PNG and TIFF keep 16-bit pixels exactly; JPEG gets rounded 8-bit values', async () => {
    const { raster, source } = await decodeImage((await makePng16(tempDir())).path);
    await expectLossless(raster, source, ['g16-out.png', 'g16-out.tif']);
    const { path } = await encodeImage(raster, source, { path: out('g16-out.jpg'), quality: 98 });
    const back = await decodeImage(path);
    expect(back.raster.bitDepth).toBe(8);
    const rounded = Array.from(raster.pixels, (v) => Math.round(v / 257));
    expect(maxAbsDiff(back.raster.pixels, rounded)).toBeLessThanOrEqual(3);
  });

  it('16-bit PNG with a P3 profile keeps values and profile bytes', async () => {
    const { raster, source } = await decodeImage((await makePng16(tempDir(), { icc: 'p3' })).path);
    expect(source.icc).not.toBeNull();
    const { path } = await encodeImage(raster, source, { path: out('p3-16-out.png') });
    const back = await decodeImage(path);
    expect(Array.from(back.raster.pixels)).toEqual(Array.from(raster.pixels));
    expect(back.source.icc?.equals(source.icc!)).toBe(true);
  });

  it('gray stays 1 channel and gray + alpha 2, exactly', async () => {
    for (const withAlpha of [false, true]) {
      const { raster, source } = await decodeImage((await makeGrayPng(tempDir(), withAlpha)).path);
      const { path } = await encodeImage(raster, source, { path: out(`gray-${withAlpha}-out.png`) });
      const meta = await sharp(path).metadata();
      expect([meta.space, meta.channels]).toEqual(['b-w', withAlpha ? 2 : 1]);
      expect(Array.from((await decodeImage(path)).raster.pixels)).toEqual(Array.from(raster.pixels));
    }
  });

  it('RGBA keeps its alpha untouched in PNG and TIFF', async () => {
    const { raster, source } = await decodeImage((await makeRgbaPng(tempDir())).path);
    await expectLossless(raster, source, ['rgba-out.png', 'rgba-out.tif']);
  });

  it('CMYK source is written as sRGB-tagged RGB', async () => {
    const { raster, source } = await decodeImage(await makeCmykJpeg(tempDir()));
    const { path } = await encodeImage(raster, source, { path: out('cmyk-out.jpg') });
    const meta = await sharp(path).metadata();
    expect([meta.space, meta.channels]).toEqual(['srgb', 3]);
    expect(iccDescription(meta.icc ?? null)).toMatch(/srgb/i);
    const back = await decodeImage(path);
    expect(maxAbsDiff(back.raster.pixels, raster.pixels)).toBeLessThanOrEqual(3);
  });

  it('format "same" falls back to the path extension, and explicit formats must match it', async () => {
    const { raster, source } = await decodeImage((await makeRgbaPng(tempDir())).path);
    const webp = await encodeImage(raster, source, { path: out('as-webp.webp') });
    expect((await sharp(webp.path).metadata()).format).toBe('webp');
    await expect(encodeImage(raster, source, { path: out('mismatch.png'), format: 'jpeg' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
