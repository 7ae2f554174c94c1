import { stat } from 'node:fs/promises';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { metadataSummarySchema } from '../../../electron/common/ipc-contract.js';
import { exposureText } from '../../../model/src/image/exif-format.js';
import { readMetadataSummary } from '../../../model/src/image/metadata.js';
import { makePreview } from '../../../model/src/image/preview.js';
import {
  CAMERA_EXIF,
  makeCmykJpeg,
  makeOrientedPhoto,
  makePng16,
  makeRgbaPng,
  useTempDir,
  meanColour,
  ORIENTED,
} from '../../fixtures/make-images.js';

const tempDir = useTempDir();

describe('readMetadataSummary', () => {
  it('summarises a camera JPEG: oriented size, profile, camera, lens, exposure, date', async () => {
    const path = await makeOrientedPhoto(tempDir());
    const summary = await readMetadataSummary(path);
    expect(metadataSummarySchema.parse(summary)).toEqual(summary);
    const icc = await exifr.parse(path, { icc: true, tiff: false });
    expect(summary).toEqual({
      format: 'jpeg',
      width: ORIENTED.width,
      height: ORIENTED.height,
      orientation: 6,
      bitDepth: 8,
      channels: 3,
      space: 'srgb',
      hasAlpha: false,
      iccProfileName: icc.ProfileDescription,
      camera: 'Canon EOS R5',
      lens: CAMERA_EXIF.LensModel,
      exposure: '1/60 s · f/2.8 · ISO 400 · 35 mm',
      takenAt: '2024-05-06T07:08:09+02:00',
      fileSizeBytes: (await stat(path)).size,
      // Its own quality, from its quantisation tables: the editor knows a Save keeps it (job-notes.ts).
      jpegQuality: 95,
    });
    expect(summary.iccProfileName).toBeTruthy();
  });

  it('reads EXIF from WebP too (through sharp, where exifr alone cannot)', async () => {
    const path = await makeOrientedPhoto(tempDir(), 'webp');
    const summary = await readMetadataSummary(path);
    expect([summary.format, summary.camera, summary.width, summary.orientation]).toEqual(['webp', 'Canon EOS R5', ORIENTED.width, 6]);
  });

  it('gives nulls, not errors, for an image without EXIF or ICC', async () => {
    const summary = await readMetadataSummary((await makePng16(tempDir())).path);
    expect(summary).toMatchObject({ format: 'png', bitDepth: 16, channels: 3, orientation: 1, iccProfileName: null, camera: null, lens: null, exposure: null, takenAt: null });
    expect(summary.jpegQuality).toBeUndefined();
  });

  it('reports alpha and CMYK as stored', async () => {
    expect(await readMetadataSummary((await makeRgbaPng(tempDir())).path)).toMatchObject({ hasAlpha: true, channels: 4 });
    expect(await readMetadataSummary(await makeCmykJpeg(tempDir()))).toMatchObject({ space: 'cmyk', channels: 4, hasAlpha: false });
  });

  it('formats exposure parts that are present', () => {
    expect(exposureText({ ExposureTime: 0.3, FNumber: 8 })).toBe('0.3 s · f/8');
    expect(exposureText({ ExposureTime: 2, ISO: [3200, 0] })).toBe('2 s · ISO 3200');
    expect(exposureText({ ExposureTime: 1 / 8000, FocalLength: 4.25 })).toBe('1/8000 s · 4.3 mm');
    expect(exposureText({})).toBeNull();
  });
});

describe('makePreview', () => {
  it('is an upright sRGB JPEG that is never enlarged', async () => {
    const preview = await makePreview(await makeOrientedPhoto(tempDir()));
    expect([preview.width, preview.height]).toEqual([ORIENTED.width, ORIENTED.height]);
    const meta = await sharp(preview.jpeg).metadata();
    expect([meta.format, meta.width, meta.height, meta.orientation ?? 1]).toEqual(['jpeg', ORIENTED.width, ORIENTED.height, 1]);
    const pixels = await sharp(preview.jpeg).raw().toBuffer();
    const [r, g, b] = meanColour(pixels, preview.width, 3, 10, 8);
    expect(r!).toBeGreaterThan(g! + 100);
    expect(r!).toBeGreaterThan(b! + 100);
  });

  it('fits large images inside maxEdge and converts 16-bit to 8-bit sRGB', async () => {
    const { path } = await makePng16(tempDir(), { width: 600, height: 200, icc: 'p3' });
    const preview = await makePreview(path, 150);
    expect([preview.width, preview.height]).toEqual([150, 50]);
    const meta = await sharp(preview.jpeg).metadata();
    expect([meta.depth, meta.space]).toEqual(['uchar', 'srgb']);
    const { icc } = await exifr.parse(preview.jpeg, { icc: true, tiff: false, mergeOutput: false });
    expect(icc.ProfileDescription).toMatch(/srgb/i);
  });
});
