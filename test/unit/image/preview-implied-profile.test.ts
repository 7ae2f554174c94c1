import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMetadataSummary } from '../../../model/src/image/metadata.js';
import { iccpChunk } from '../../../model/src/image/png-chunks.js';
import { makeCrop, makePreview } from '../../../model/src/image/preview.js';
import { exifBlock, jpegWithExif, jpegWithSegment } from '../../fixtures/exif-blocks.js';
import { adobeLikeProfile } from '../../fixtures/icc-profiles.js';
import { useTempDir } from '../../fixtures/make-images.js';
import { ADOBE_CHRM, chrmChunk, gamaChunk, pngWithChunks } from '../../fixtures/tag-photo.js';

/**
 * The editor's Before view (preview and 100 % crop) and side panel must read a colour space
 * stated without ICC (DCF Adobe RGB in EXIF, a PNG's gAMA/cHRM) as decode does: the After view
 * comes from the result, which embeds that profile, so a Before shown as sRGB differed from it
 * in colour over the whole photo. Each file is compared with its twin carrying the ICC profile.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24/kodim23.png');
const tempDir = useTempDir('unshake-preview-implied-');
const region = { left: 200, top: 120, width: 256, height: 192 };

beforeAll(() => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
});

async function saved(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(tempDir(), name);
  await writeFile(file, bytes);
  return file;
}

/** Mean and largest level difference of two screen JPEGs. */
async function compare(a: Buffer, b: Buffer): Promise<{ mean: number; max: number }> {
  const [pa, pb] = await Promise.all([a, b].map((j) => sharp(j).raw().toBuffer()));
  let sum = 0;
  let max = 0;
  for (let i = 0; i < pa!.length; i++) {
    const d = Math.abs(pa![i]! - pb![i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / pa!.length, max };
}

/**
 * Preview (scaled down) and a 100 % crop of both files. The crop matches; the preview is scaled
 * before the conversion (cheap, shrink-on-load kept) where sharp converts an embedded profile
 * first, which moves edge pixels a little (mean 0.4 level before the JPEG, 1.4 after; 8.5 to 20 without the fix).
 */
async function views(a: string, b: string) {
  const crop = { left: 40, top: 30, width: 120, height: 90 };
  const [pa, pb, ca, cb] = await Promise.all([makePreview(a, 128), makePreview(b, 128), makeCrop(a, crop), makeCrop(b, crop)]);
  return { preview: await compare(pa.jpeg, pb.jpeg), crop: await compare(ca.jpeg, cb.jpeg) };
}

describe('previews of a photo whose profile is stated without ICC', () => {
  it('shows a DCF Adobe RGB JPEG (R03) as its twin with the Adobe RGB profile, and names it', async () => {
    const jpeg = await sharp(photo).extract(region).jpeg({ quality: 95 }).toBuffer();
    const withIcc = await saved('adobe.jpg', jpegWithSegment(jpeg, 0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), adobeLikeProfile(563 / 256)])));
    const block = exifBlock(true, { ifd0: [[0x010f, { type: 'ascii', text: 'Nikon' }]], exif: [[0xa001, { type: 'short', values: [0xffff] }]], interop: [[0x0001, { type: 'ascii', text: 'R03' }]] });
    const r03 = await saved('r03.jpg', jpegWithExif(jpeg, block));
    const plain = await saved('plain.jpg', jpeg);
    // Adobe RGB shown as sRGB is visibly off (else this test would prove nothing)…
    expect((await views(plain, withIcc)).preview.mean).toBeGreaterThan(3);
    // …and the R03 file is shown through the same profile.
    const { preview, crop } = await views(r03, withIcc);
    expect([preview.mean < 1.5, crop.mean < 0.05, crop.max <= 3]).toEqual([true, true, true]);
    expect((await readMetadataSummary(r03)).iccProfileName).toBe('Adobe RGB (1998), from EXIF');
  });

  it('shows a gAMA/cHRM PNG (16-bit and 8-bit with alpha) as its twin with the equivalent profile', async () => {
    for (const [name, png] of [
      ['rgb16', await sharp(photo).extract(region).toColourspace('rgb16').png().toBuffer()],
      ['rgba8', await sharp(photo).extract(region).ensureAlpha(0.6).png().toBuffer()],
    ] as const) {
      const withIcc = await saved(`${name}-icc.png`, pngWithChunks(png, [iccpChunk(adobeLikeProfile(461 / 256))]));
      const tagged = await saved(`${name}-gama.png`, pngWithChunks(png, [gamaChunk(1.8), chrmChunk(ADOBE_CHRM)]));
      const plain = await saved(`${name}.png`, png);
      expect((await views(plain, withIcc)).preview.mean, name).toBeGreaterThan(3);
      const { preview, crop } = await views(tagged, withIcc);
      expect([preview.mean < 1.5, crop.mean < 0.05, crop.max <= 3], name).toEqual([true, true, true]);
      expect((await readMetadataSummary(tagged)).iccProfileName, name).toBe('PNG gamma 1.8 and chromaticities (gAMA/cHRM)');
    }
  });
});
