import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psnr } from '../../../model/src/eval/metrics.js';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { readJpegHead } from '../../../model/src/image/jpeg-head.js';
import { headQuality, jpegCoding } from '../../../model/src/image/jpeg-quality.js';
import { formatNotes } from '../../../model/src/image/result-notes.js';
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

describe('the setting is a floor for a better JPEG; a quality asked for exactly is honoured', () => {
  const q98 = { format: 'jpeg', jpegQuality: 98, chromaSubsampling: '4:4:4' } as const;

  it('the rule: the setting is raised to the photo\'s own; an exact quality is not, nor is another format\'s', () => {
    expect(jpegCoding(q98, 95).quality).toBe(98);
    expect(jpegCoding(q98, 99).quality).toBe(99);
    expect(jpegCoding(q98, 40, true).quality).toBe(40);
    expect(jpegCoding({ format: 'png' }, 40).quality).toBe(40);
  });

  it('an exact quality 40 on a q98 original writes a q40 file, smaller than the original; the setting 40 keeps 98', async () => {
    const source = await photo('exact98.jpg', 98, '4:4:4');
    const { raster, source: meta } = await decodeImage(source);
    const exact = await encodeImage(raster, meta, { path: join(tempDir(), 'exact40.jpg'), quality: 40, exactQuality: true });
    const floored = await encodeImage(raster, meta, { path: join(tempDir(), 'floor40.jpg'), quality: 40 });
    expect([await jpegQuality(exact.path), await jpegQuality(floored.path)]).toEqual([40, 98]);
    expect(exact.bytes).toBeLessThan(floored.bytes);
  });

  it('a raised quality is said with the result; an exact one, an equal or higher setting, or another format says nothing', async () => {
    const { source } = await decodeImage(await photo('note98.jpg', 98, '4:4:4'));
    expect(formatNotes(source, 'jpeg', { quality: 95 })).toEqual(['note98.jpg is a JPEG of quality 98: its result is kept at quality 98, the photo\'s own, above the setting\'s 95.']);
    expect(formatNotes(source, 'jpeg', { quality: 40, exactQuality: true })).toEqual([]);
    expect(formatNotes(source, 'jpeg', { quality: 98 })).toEqual([]);
    expect(formatNotes(source, 'webp', { quality: 95 })).toEqual([]);
  });
});
