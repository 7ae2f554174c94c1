import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccDescription } from '../../../model/src/image/icc.js';
import { iccpChunk } from '../../../model/src/image/png-chunks.js';
import { deblurFile } from '../../../model/src/infer/deblur-file.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { exifBlock, jpegWithExif, jpegWithSegment } from '../../fixtures/exif-blocks.js';
import { adobeLikeProfile } from '../../fixtures/icc-profiles.js';
import { useTempDir } from '../../fixtures/make-images.js';
import { ADOBE_CHRM, chrmChunk, gamaChunk, pngWithChunks } from '../../fixtures/tag-photo.js';

/**
 * A colour space stated without an ICC profile must be deblurred as the same photo with the
 * profile: a camera's DCF Adobe RGB (EXIF ColorSpace Uncalibrated + InteropIndex R03) and a
 * PNG's gAMA/cHRM. The same pixels are tagged both ways; the results must match, and carry the
 * profile. The placeholder (an unsharp mask) makes a different working space visible.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24/kodim23.png');
const tempDir = useTempDir('unshake-implied-');
const crop = { left: 300, top: 200, width: 96, height: 64 };

beforeAll(() => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
});
afterAll(() => releaseSessions());

async function deblurred(name: string, bytes: Buffer): Promise<{ pixels: Buffer; icc: Buffer | undefined; notes: string[] }> {
  const input = path.join(tempDir(), name);
  await writeFile(input, bytes);
  const outPath = path.join(tempDir(), `out-${name}`);
  const result = await deblurFile(input, { outPath, modelId: 'placeholder', preferredProvider: 'cpu' });
  const { icc } = await sharp(outPath).metadata();
  return { pixels: await sharp(outPath, { ignoreIcc: true }).raw().toBuffer(), icc, notes: result.notes ?? [] };
}

function maxDifference(a: Buffer, b: Buffer): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('colour spaces stated without an ICC profile', () => {
  it('deblurs a DCF Adobe RGB JPEG (R03, no ICC) as the same photo with the Adobe RGB profile', async () => {
    const jpeg = await sharp(photo).extract(crop).jpeg({ quality: 95 }).toBuffer();
    const icc = adobeLikeProfile(563 / 256);
    const withIcc = jpegWithSegment(jpeg, 0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), icc]));
    const dcf = jpegWithExif(
      jpeg,
      exifBlock(true, { ifd0: [[0x010f, { type: 'ascii', text: 'Nikon' }]], exif: [[0xa001, { type: 'short', values: [0xffff] }]], interop: [[0x0001, { type: 'ascii', text: 'R03' }]] }),
    );
    const plain = await deblurred('plain.jpg', jpeg);
    const tagged = await deblurred('adobe.jpg', withIcc);
    const r03 = await deblurred('r03.jpg', dcf);
    // The Adobe RGB working space changes the result (else this test would prove nothing)…
    expect(maxDifference(tagged.pixels, plain.pixels)).toBeGreaterThan(3);
    // …and the DCF-tagged file gets it too, and says so to viewers with the profile.
    expect(maxDifference(r03.pixels, tagged.pixels)).toBeLessThanOrEqual(1);
    expect(iccDescription(r03.icc ?? null)).toBe('Adobe RGB (1998)');
    expect(r03.notes).toEqual([]);
  });

  it('deblurs a PNG with gAMA/cHRM as the same photo with the equivalent profile, and says so', async () => {
    const png = await sharp(photo).extract(crop).png().toBuffer();
    // Gamma 1.8 with Adobe RGB's primaries: 1.8 is 461/256 as a profile's u8Fixed8 gamma.
    const tagged = await deblurred('icc.png', pngWithChunks(png, [iccpChunk(adobeLikeProfile(461 / 256))]));
    const plain = await deblurred('plain.png', png);
    const gama = await deblurred('gama.png', pngWithChunks(png, [gamaChunk(1.8), chrmChunk(ADOBE_CHRM)]));
    expect(maxDifference(tagged.pixels, plain.pixels)).toBeGreaterThan(3);
    expect(maxDifference(gama.pixels, tagged.pixels)).toBeLessThanOrEqual(1);
    expect(iccDescription(gama.icc ?? null)).toBe('PNG gamma 1.8 and chromaticities (gAMA/cHRM)');
    expect(gama.notes).toEqual([
      'gama.png describes its colours with PNG tags (gamma 1.8 and chromaticities) rather than an ICC profile: the result keeps the same colours under an equivalent ICC profile, "PNG gamma 1.8 and chromaticities (gAMA/cHRM)", in place of those tags.',
    ]);
  });

  it('takes a PNG that states sRGB by gAMA 1/2.2 (or an sRGB chunk) as sRGB: no profile, no note', async () => {
    const png = await sharp(photo).extract(crop).png().toBuffer();
    const srgbLike = await deblurred('srgb-gama.png', pngWithChunks(png, [gamaChunk(2.2), chrmChunk([0.3127, 0.329, 0.64, 0.33, 0.3, 0.6, 0.15, 0.06])]));
    const plain = await deblurred('plain2.png', png);
    expect([srgbLike.icc, srgbLike.notes]).toEqual([undefined, []]);
    expect(maxDifference(srgbLike.pixels, plain.pixels)).toBe(0);
  });
});
