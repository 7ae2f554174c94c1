import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { readMetadataSummary } from '../../../model/src/image/metadata.js';
import { makeCrop, makePreview } from '../../../model/src/image/preview.js';
import { resultNotes } from '../../../model/src/image/result-notes.js';
import { useTempDir } from '../../fixtures/make-images.js';
import { writeRgbTiff } from '../../fixtures/tiff-writer.js';

const tempDir = useTempDir('unshake-formats-');
const W = 64;
const H = 48;

/** A mid-gray-ish gradient picture with `extra` bands after RGB: the left half 0, the right half 255 in each. */
function withExtraBands(extra: number): Uint8Array {
  const channels = 3 + extra;
  const pixels = new Uint8Array(W * H * channels);
  for (let i = 0; i < W * H; i++) {
    const x = i % W;
    pixels.set([60 + x, 90, 120], i * channels);
    for (let e = 0; e < extra; e++) pixels[i * channels + 3 + e] = x < W / 2 ? 0 : 255;
  }
  return pixels;
}

/** A linear float photo whose right half is `bright` times white (`corner`: and its top-left quarter, so every turn shows). */
async function floatTiff(file: string, bright: number, corner = false): Promise<string> {
  const data = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    const [x, y] = [i % W, Math.floor(i / W)];
    data.fill(x >= W / 2 || (corner && x < W / 4 && y < H / 2) ? bright : 0.2, i * 3, i * 3 + 3);
  }
  await writeRgbTiff(file, { width: W, height: H, pixels: data });
  return file;
}

/** sharp ≥ 0.35 has it; its type declarations do not yet. */
const withGainMap = (image: Sharp) => (image as Sharp & { withGainMap(): Sharp }).withGainMap();

/** How many samples of an Ultra HDR JPEG rendered with its gain map are brighter than white. */
async function aboveWhite(file: string): Promise<number> {
  const { data } = await withGainMap(sharp(file)).raw({ depth: 'float' }).toBuffer({ resolveWithObject: true });
  return new Float32Array(data.buffer, data.byteOffset, data.length / 4).filter((v) => v > 1).length;
}

describe('a TIFF extra channel that is not transparency', () => {
  it('RGB + an unspecified extra sample decodes as RGB, says the channel is not kept, and saves no white holes', async () => {
    const file = path.join(tempDir(), 'selection.tif');
    await writeRgbTiff(file, { width: W, height: H, pixels: withExtraBands(1), extraSamples: [0] });
    const { raster, source } = await decodeImage(file);
    expect([raster.channels, source.hasAlpha]).toEqual([3, false]);
    expect(Array.from(raster.pixels.subarray(0, 3))).toEqual([60, 90, 120]);
    expect(source.notes).toEqual([expect.stringMatching(/^selection\.tif has an extra channel that is not transparency .* not kept/)]);
    const out = path.join(tempDir(), 'out.jpg');
    await encodeImage(raster, source, { path: out });
    // Where the "selection" was 0 the picture stays itself, not white.
    const left = await sharp(out).extract({ left: 2, top: 2, width: 8, height: 8 }).stats();
    expect(left.channels[2]!.mean).toBeLessThan(150);
    const tif = path.join(tempDir(), 'out.tif');
    await encodeImage(raster, source, { path: tif });
    expect((await sharp(tif).metadata()).hasAlpha).toBe(false);
    const preview = await sharp((await makePreview(file)).jpeg).extract({ left: 2, top: 2, width: 8, height: 8 }).stats();
    expect(preview.channels[2]!.mean).toBeLessThan(150);
    expect((await readMetadataSummary(file)).hasAlpha).toBe(false);
  });

  it('RGB + alpha + an unspecified extra sample keeps the alpha and drops the extra, in the decode, preview and 100 % view', async () => {
    const file = path.join(tempDir(), 'alpha-and-selection.tif');
    const pixels = withExtraBands(2);
    for (let i = 0; i < W * H; i++) pixels[i * 5 + 3] = 200; // the alpha: the same everywhere
    await writeRgbTiff(file, { width: W, height: H, pixels, extraSamples: [2, 0] });
    const { raster, source } = await decodeImage(file);
    expect([raster.channels, source.hasAlpha]).toEqual([4, true]);
    expect(Array.from(raster.pixels.subarray(0, 4))).toEqual([60, 90, 120, 200]);
    expect(source.notes?.[0]).toMatch(/not kept/);
    expect((await makePreview(file)).width).toBe(W);
    expect((await makeCrop(file, { left: 0, top: 0, width: 16, height: 16 })).width).toBe(16);
    expect((await readMetadataSummary(file)).hasAlpha).toBe(true);
  });
});

describe('a 32-bit float TIFF', () => {
  it('says that values above white are clipped and that the result is 16-bit', async () => {
    const { raster, source } = await decodeImage(await floatTiff(path.join(tempDir(), 'merge.tif'), 3));
    expect(raster.bitDepth).toBe(16);
    expect(source.notes).toEqual([expect.stringMatching(/^merge\.tif has 32-bit floating-point samples up to 3× white: everything brighter than white is clipped .* 16-bit integer/)]);
  });

  it('finds a brightest value that is not a whole number: one pixel at 1.3, a ramp to 1.77, a half at 2.7', async () => {
    const dir = tempDir();
    const cases: [name: string, value: (x: number, y: number) => number, factor: string][] = [
      ['one-pixel', (x, y) => (x === 5 && y === 5 ? 1.3 : 0.5), '1.3'],
      ['ramp', (x) => (x / (W - 1)) * 1.77, '1.77'],
      ['half', (x) => (x >= W / 2 ? 2.7 : 0.2), '2.7'],
    ];
    for (const [name, value, factor] of cases) {
      const data = new Float32Array(W * H * 3);
      for (let i = 0; i < W * H; i++) data.fill(value(i % W, Math.floor(i / W)), i * 3, i * 3 + 3);
      const file = path.join(dir, `${name}.tif`);
      await writeRgbTiff(file, { width: W, height: H, pixels: data });
      const { raster, source } = await decodeImage(file);
      expect(source.notes, name).toEqual([expect.stringContaining(`${name}.tif has 32-bit floating-point samples up to ${factor}× white: everything brighter than white is clipped`)]);
      // It is: white samples in the decode.
      expect(raster.pixels.includes(65535), name).toBe(true);
    }
  });

  it('within white, says only that it is saved as 16-bit', async () => {
    const { source } = await decodeImage(await floatTiff(path.join(tempDir(), 'scan.tif'), 0.9));
    expect(source.notes).toEqual([expect.stringMatching(/16-bit integer samples \(no values above white, so nothing is clipped\)/)]);
  });
});

describe('an Ultra HDR (gain map) JPEG', () => {
  it('keeps its gain map in a JPEG result and says where another format cannot hold it', async () => {
    const dir = tempDir();
    const hdr = await floatTiff(path.join(dir, 'hdr.tif'), 4);
    const photo = path.join(dir, 'pixel.jpg');
    await withGainMap(sharp(hdr)).jpeg({ quality: 95 }).toFile(photo);
    expect(await aboveWhite(photo)).toBeGreaterThan(0);
    const { raster, source } = await decodeImage(photo);
    expect(source.gainMap?.image.length).toBeGreaterThan(100);
    const out = path.join(dir, 'pixel-unshaken.jpg');
    await encodeImage(raster, source, { path: out });
    expect((await sharp(out).metadata()).gainMap?.image.equals(source.gainMap!.image)).toBe(true);
    expect(await aboveWhite(out)).toBeGreaterThan(0);
    // The SDR picture is the deblur's, as without a gain map.
    const sdr = await sharp(out).raw().toBuffer();
    expect(Math.abs(sdr[0]! - raster.pixels[0]!)).toBeLessThan(4);
    expect(resultNotes(source, 'jpeg')).toEqual([]);
    expect(resultNotes(source, 'png')).toEqual([expect.stringMatching(/^pixel\.jpg is an HDR photo .*PNG cannot hold the gain map.*Save as JPEG to keep the HDR\.$/)]);
  });

  it('turns the gain map upright with the picture when the photo has an EXIF orientation', async () => {
    const dir = tempDir();
    const hdr = await floatTiff(path.join(dir, 'hdr.tif'), 4, true);
    const plain = await withGainMap(sharp(hdr)).jpeg({ quality: 95 }).toBuffer();
    // libuhdr writes Orientation 1 into its EXIF: the camera's other orientations, set in place.
    const tag = plain.indexOf(Buffer.from([0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00]));
    expect(tag).toBeGreaterThan(0);
    for (const orientation of [2, 3, 4, 5, 6, 7, 8]) {
      const photo = path.join(dir, `o${orientation}.jpg`);
      const bytes = Buffer.from(plain);
      bytes.writeUInt16LE(orientation, tag + 8);
      await writeFile(photo, bytes);
      const { raster, source } = await decodeImage(photo);
      const out = path.join(dir, `o${orientation}-unshaken.jpg`);
      await encodeImage(raster, source, { path: out });
      // The result's HDR rendering is the original's, turned upright as sharp turns it.
      const [want, got] = await Promise.all([withGainMap(sharp(photo, { autoOrient: true })), withGainMap(sharp(out))].map((s) => s.raw({ depth: 'float' }).toBuffer()));
      const [a, b] = [want!, got!].map((d) => new Float32Array(d.buffer, d.byteOffset, d.length / 4));
      let sum = 0;
      for (let i = 0; i < a!.length; i++) sum += Math.abs(a![i]! - b![i]!);
      // A wrong turn or mirror is off by over 1.0 on average; resampling the small gain map, ~0.05.
      expect(sum / a!.length, `orientation ${orientation}`).toBeLessThan(0.1);
    }
  });
});
