import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeCarrierPng } from '../../../model/src/image/carrier-file.js';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { curvTag, iccProfile, xyzTag } from '../../fixtures/icc-profiles.js';
import { useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir('unshake-gray-icc-');

/** A pixel as it looks: converted through the file's own profile into sRGB. */
async function seenInSrgb(file: string): Promise<number> {
  const data = await sharp(file).withIccProfile('srgb').toColourspace('srgb').raw().toBuffer();
  return data[(16 * 32 + 16) * 3]!;
}

describe('a gray photo in its own gray profile', () => {
  it('keeps its tones in every format; WebP (RGB only) gets them converted into sRGB', async () => {
    // Linear gray (gamma 1.0), as scanners and some raw converters write: code 128 is a light grey in sRGB.
    const profile = iccProfile('GRAY', [['kTRC', curvTag(1.0)], ['wtpt', xyzTag([0.9642, 1, 0.8249])]]);
    const source = join(tempDir(), 'gray-linear.png');
    await writeCarrierPng({ width: 32, height: 32, channels: 1, bitDepth: 8, pixels: new Uint8Array(32 * 32).fill(128) }, source, { icc: profile, exif: null });
    const original = await seenInSrgb(source);
    expect(original).toBeGreaterThan(180); // the profile matters: read as sRGB, 128 would be mid grey
    const { raster, source: meta } = await decodeImage(source);
    for (const format of ['png', 'jpeg', 'tiff', 'webp'] as const) {
      const out = await encodeImage(raster, meta, { path: join(tempDir(), `out.${format}`), format });
      expect(Math.abs((await seenInSrgb(out.path)) - original), format).toBeLessThanOrEqual(1);
    }
    expect((await sharp(join(tempDir(), 'out.webp')).metadata()).space).toBe('srgb');
  });
});
