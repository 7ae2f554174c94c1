import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psnr } from '../../../model/src/eval/metrics.js';
import { readJpegHead } from '../../../model/src/image/jpeg-head.js';
import { headQuality } from '../../../model/src/image/jpeg-quality.js';
import { reencode } from '../../fixtures/reencode.js';
import { useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir('unshake-jpeg-quality-');
const W = 96;
const H = 64;

/** A photo-like texture (smooth colour plus fine detail), so quality and subsampling show. */
async function photo(name: string, quality: number, chromaSubsampling: '4:2:0' | '4:4:4'): Promise<string> {
  const pixels = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const detail = ((x * 7919 + y * 104729) % 61) - 30;
      pixels.set([120 + x + detail, 60 + y * 2 - detail, 200 - x + ((x ^ y) & 15)], (y * W + x) * 3);
    }
  }
  const path = join(tempDir(), name);
  await sharp(pixels, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality, chromaSubsampling }).toFile(path);
  return path;
}

const rgb = async (path: string) => sharp(path).raw().toBuffer();
const jpegQuality = async (path: string) => headQuality(await readJpegHead(path));

describe('a JPEG saved as JPEG keeps its quality and chroma subsampling', () => {
  it('reads the IJG quality a JPEG was written at from its quantisation tables', async () => {
    for (const q of [30, 50, 80, 95, 98, 100]) {
      const path = await photo(`q${q}.jpg`, q, '4:4:4');
      expect([q, await jpegQuality(path)]).toEqual([q, q]);
    }
  });

  it('a q98 or q100 4:4:4 original is not degraded to the q95 setting: its pixels come back above 50 dB', async () => {
    for (const q of [98, 100]) {
      const source = await photo(`hi${q}.jpg`, q, '4:4:4');
      const out = await reencode(source, join(tempDir(), `hi${q}-out.jpg`));
      const read = await jpegQuality(out);
      expect([q, read, (await sharp(out).metadata()).chromaSubsampling]).toEqual([q, q, '4:4:4']);
      expect(psnr(await rgb(source), await rgb(out), 255)).toBeGreaterThan(50);
    }
  });

  it('a q80 4:2:0 original keeps 4:2:0; the quality setting (95) is the floor', async () => {
    const source = await photo('lo80.jpg', 80, '4:2:0');
    expect((await sharp(source).metadata()).chromaSubsampling).toBe('4:2:0');
    const out = await reencode(source, join(tempDir(), 'lo80-out.jpg'));
    expect([await jpegQuality(out), (await sharp(out).metadata()).chromaSubsampling]).toEqual([95, '4:2:0']);
    // Another format's source keeps the setting's own choice.
    const png = join(tempDir(), 'from.png');
    await sharp(source).png().toFile(png);
    expect((await sharp(await reencode(png, join(tempDir(), 'from-png.jpg'))).metadata()).chromaSubsampling).toBe('4:4:4');
  });
});
