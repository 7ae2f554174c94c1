import { randomBytes } from 'node:crypto';
import os from 'node:os';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inResultDiskTerms, METADATA_MARGIN, resultPeakBytes, resultWorstCaseBytes } from '../../../electron/main/services/result-space.js';

/**
 * The estimate a deblur is refused by when the disk holding userData has less free: at least the
 * PNG the editor writes (compression 6, encode.ts) of pixels deflate cannot shrink, and not far above it.
 */
describe('the most an editor result can take', () => {
  const cases = [
    { name: '8-bit RGB', channels: 3, hasAlpha: false, bitDepth: 8, depth: 'uchar' },
    { name: '16-bit RGBA', channels: 4, hasAlpha: true, bitDepth: 16, depth: 'ushort' },
    { name: '8-bit grey', channels: 1, hasAlpha: false, bitDepth: 8, depth: 'uchar' },
  ] as const;

  for (const { name, channels, hasAlpha, bitDepth, depth } of cases) {
    it(`covers a ${name} result of noise`, async () => {
      const [width, height] = [613, 401];
      const bytes = bitDepth / 8;
      const noise = randomBytes(width * height * channels * bytes);
      const pixels = bytes === 2 ? new Uint16Array(noise.buffer, noise.byteOffset, noise.length / 2) : noise;
      const png = await sharp(pixels, { raw: { width, height, channels } })
        .toColourspace(channels <= 2 ? (bytes === 2 ? 'grey16' : 'b-w') : bytes === 2 ? 'rgb16' : 'srgb')
        .png({ compressionLevel: 6 })
        .toBuffer();
      expect((await sharp(png).metadata()).depth).toBe(depth);
      const pixelsPart = resultWorstCaseBytes({ width, height, channels, hasAlpha, bitDepth }) - METADATA_MARGIN;
      expect(pixelsPart).toBeGreaterThanOrEqual(png.length);
      expect(pixelsPart).toBeLessThan(png.length * 1.01);
    });
  }

  it('counts a CMYK photo as the RGB it is written as', () => {
    const rgb = resultWorstCaseBytes({ width: 100, height: 100, channels: 3, hasAlpha: false, bitDepth: 8 });
    expect(resultWorstCaseBytes({ width: 100, height: 100, channels: 4, hasAlpha: false, bitDepth: 8 })).toBe(rgb);
  });

  const photo = { width: 100, height: 100, channels: 3, hasAlpha: false, bitDepth: 8, orientation: 1, camera: null, lens: null, exposure: null, takenAt: null } as const;

  it("counts the copy a photo's EXIF is added through", () => {
    expect(resultPeakBytes(photo)).toBe(resultWorstCaseBytes(photo));
    expect(resultPeakBytes({ ...photo, camera: 'Canon EOS R5' })).toBe(2 * resultWorstCaseBytes(photo));
    expect(resultPeakBytes({ ...photo, orientation: 6 })).toBe(2 * resultWorstCaseBytes(photo));
  });

  it('a full disk at the write with room again by then is said without numbers that disagree', async () => {
    const disk = { resultsDir: os.tmpdir(), userDataDir: '/home/me/.config/Unshake' };
    const full = new Error('Could not write /x/results/job_1.png: the disk is full: free some space or choose another disk.');
    const said = await inResultDiskTerms(full, disk, photo);
    expect(said).toMatchObject({ code: 'WRITE_FAILED' });
    expect((said as Error).message).toBe(
      "Unshake keeps each result until you save it, on the disk that holds its data (/home/me/.config/Unshake), which ran out of room for this photo's result. Free some space on that disk and deblur again.",
    );
    const other = new Error('EACCES');
    expect(await inResultDiskTerms(other, disk, photo)).toBe(other);
  });
});
