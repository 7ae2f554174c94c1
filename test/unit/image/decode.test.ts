import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { iccDescription } from '../../../model/src/image/icc.js';
import {
  makeCmykJpeg,
  makeGrayPng,
  makeOrientedPhoto,
  makePng16,
  makeRgbaPng,
  useTempDir,
  makeTiff16,
  meanColour,
  ORIENTED,
} from '../../fixtures/make-images.js';

const tempDir = useTempDir();

/** Which of R, G, B dominates, or 'white' when all are high. */
function dominant([r, g, b]: number[]): string {
  if (r! > 180 && g! > 180 && b! > 180) return 'white';
  if (r! > g! + 60 && r! > b! + 60) return 'red';
  if (g! > r! + 60 && g! > b! + 60) return 'green';
  if (b! > r! + 60 && b! > g! + 60) return 'blue';
  return `unclear(${[r, g, b].map((v) => Math.round(v ?? 0)).join(',')})`;
}

describe('decodeImage', () => {
  it('rotates an orientation-6 JPEG upright and keeps its ICC, EXIF and stored orientation', async () => {
    const path = await makeOrientedPhoto(tempDir());
    const stored = await sharp(path).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([ORIENTED.height, ORIENTED.width, 6]);

    const { raster, source } = await decodeImage(path);
    expect([raster.width, raster.height, raster.channels, raster.bitDepth]).toEqual([ORIENTED.width, ORIENTED.height, 3, 8]);
    expect(raster.pixels).toBeInstanceOf(Uint8Array);
    const at = (x: number, y: number) => dominant(meanColour(raster.pixels, raster.width, 3, x, y));
    expect([at(12, 8), at(36, 8), at(12, 24), at(36, 24)]).toEqual(['red', 'green', 'blue', 'white']);

    expect(source.orientation).toBe(6);
    expect(source.format).toBe('jpeg');
    expect(source.icc?.equals(stored.icc!)).toBe(true);
    expect(iccDescription(source.icc)).not.toMatch(/srgb/i);
    expect(source.exif?.length).toBeGreaterThan(20);
    expect(source.fileSizeBytes).toBe((await stat(path)).size);
  });

  it('keeps the file\'s own RGB values (no ICC conversion) for a P3 JPEG', async () => {
    const path = await makeOrientedPhoto(tempDir());
    const { raster } = await decodeImage(path);
    const own = await sharp(path, { autoOrient: true, ignoreIcc: true }).raw().toBuffer();
    const converted = await sharp(path, { autoOrient: true }).raw().toBuffer();
    expect(Buffer.from(raster.pixels.buffer, raster.pixels.byteOffset, raster.pixels.byteLength).equals(own)).toBe(true);
    // The sRGB-converted decode really differs, so the check above is not vacuous.
    expect(own.equals(converted)).toBe(false);
  });

  it('keeps 16 bits exactly for PNG and TIFF', async () => {
    for (const { path, pixels } of [await makePng16(tempDir()), await makeTiff16(tempDir())]) {
      expect(pixels.some((v) => v % 257 !== 0)).toBe(true);
      const { raster, source } = await decodeImage(path);
      expect(raster.bitDepth).toBe(16);
      expect(raster.pixels).toBeInstanceOf(Uint16Array);
      expect(raster.channels).toBe(3);
      expect(Array.from(raster.pixels)).toEqual(Array.from(pixels));
      expect(source.space).toBe('rgb16');
    }
  });

  it('keeps grayscale as 1 channel and gray + alpha as 2', async () => {
    for (const withAlpha of [false, true]) {
      const { path, pixels } = await makeGrayPng(tempDir(), withAlpha);
      const { raster, source } = await decodeImage(path);
      expect(raster.channels).toBe(withAlpha ? 2 : 1);
      expect(source.hasAlpha).toBe(withAlpha);
      expect(Array.from(raster.pixels)).toEqual(Array.from(pixels));
    }
  });

  it('keeps RGBA with its alpha untouched', async () => {
    const { path, pixels } = await makeRgbaPng(tempDir());
    const { raster, source } = await decodeImage(path);
    expect(raster.channels).toBe(4);
    expect(source.hasAlpha).toBe(true);
    expect(Array.from(raster.pixels)).toEqual(Array.from(pixels));
  });

  it('converts a CMYK JPEG to sRGB through its embedded profile', async () => {
    const path = await makeCmykJpeg(tempDir());
    const header = await sharp(path).metadata();
    expect([header.space, header.channels, Boolean(header.icc)]).toEqual(['cmyk', 4, true]);

    const { raster, source } = await decodeImage(path);
    expect(raster.channels).toBe(3);
    expect(source.space).toBe('cmyk');
    expect(source.icc?.equals(header.icc!)).toBe(true);
    expect(source.notes).toEqual(['cmyk.jpg is a CMYK photo: the result is RGB in sRGB (its CMYK profile is not kept).']);
    // Same as sharp's profile-based conversion, and still the blue it was made from (#3366cc).
    const viaProfile = await sharp(path).toColourspace('srgb').raw().toBuffer();
    expect(Buffer.from(raster.pixels).equals(viaProfile)).toBe(true);
    const [r, g, b] = meanColour(raster.pixels, raster.width, 3, 12, 8);
    expect(b!).toBeGreaterThan(g! + 30);
    expect(g!).toBeGreaterThan(r! + 20);
  });

  it('reports no ICC/EXIF and orientation 1 for a plain image', async () => {
    const { path } = await makeGrayPng(tempDir());
    const { source } = await decodeImage(path);
    expect([source.icc, source.exif, source.xmp, source.orientation]).toEqual([null, null, null, 1]);
  });
});
