import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNetworkRgb } from '../../../model/src/image/colour.js';
import { rasteriseMask } from '../../../model/src/image/mask-raster.js';
import type { RasterImage } from '../../../model/src/image/types.js';
import { deblurRaster, deblurRgb } from '../../../model/src/infer/deblur.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { ACTIVATION_FLOATS_PER_PIXEL, availableBytes, chooseTileSize, tileBytes } from '../../../model/src/infer/tile-size.js';
import { resolveModel, type ResolvedModel } from '../../../model/src/models/library.js';

/**
 * The streaming engine on rasters in their own bit depth: same result as the float path, a
 * float accumulator one band high whatever the image height, alpha and unmasked pixels exact.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/gopro-official/Flower_blur1.png');
let model: ResolvedModel;

/** A real photo crop as a raster: `gray` keeps one channel, `alpha` adds a gradient alpha. */
async function crop(width: number, height: number, opts: { sixteen?: boolean; gray?: boolean; alpha?: boolean } = {}): Promise<RasterImage> {
  let image = sharp(photo).extract({ left: 300, top: 100, width, height }).removeAlpha();
  if (opts.gray) image = image.toColourspace('b-w');
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const colour = info.channels as 1 | 3;
  const channels = (colour + (opts.alpha ? 1 : 0)) as RasterImage['channels'];
  const max = opts.sixteen ? 65535 : 255;
  const pixels = opts.sixteen ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    // 16-bit: spread the 8-bit value and add low bits so they are really used.
    for (let c = 0; c < colour; c++) pixels[p * channels + c] = opts.sixteen ? data[p * colour + c]! * 257 - (p % 200) : data[p * colour + c]!;
    if (opts.alpha) pixels[p * channels + colour] = Math.round(((p % width) / width) * max);
  }
  return { width, height, channels, bitDepth: opts.sixteen ? 16 : 8, pixels };
}

beforeAll(async () => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
  model = await resolveModel('placeholder');
});
afterAll(() => releaseSessions());

function maxLevelDiff(a: RasterImage, b: RasterImage, border: number, channel?: number): number {
  let max = 0;
  for (let y = border; y < a.height - border; y++) {
    for (let x = border; x < a.width - border; x++) {
      for (let c = 0; c < a.channels; c++) {
        if (channel !== undefined && c !== channel) continue;
        const i = (y * a.width + x) * a.channels + c;
        max = Math.max(max, Math.abs(a.pixels[i]! - b.pixels[i]!));
      }
    }
  }
  return max;
}

describe('streaming deblurRaster', () => {
  it('keeps the float accumulator one band high on a tall image, and matches whole-image inference', async () => {
    const raster = await crop(40, 600, { sixteen: true });
    const tiled = await deblurRaster(raster, { model, strength: 1, tileSize: 32 });
    const whole = await deblurRaster(raster, { model, strength: 1, tileSize: 1024 });
    expect(whole.tiles).toBe(1);
    expect(tiled.tiles).toBeGreaterThan(25);
    // One band (a window high) across the image: 32 × 40 px × 3 floats, not 600 rows.
    expect(tiled.accumulator).toEqual({ rows: 32, width: 40, bytes: 32 * 40 * 3 * 4 });
    expect(tiled.accumulator.bytes * 15).toBeLessThan(raster.width * raster.height * 12);
    // Within 1/255 of full scale (257 levels at 16 bits) away from image borders.
    expect(maxLevelDiff(tiled.raster, whole.raster, 8)).toBeLessThanOrEqual(257);
    expect(maxLevelDiff(tiled.raster, raster, 0)).toBeGreaterThan(5 * 257);
    expect(tiled.raster.pixels).toBeInstanceOf(Uint16Array);
  });

  it('gives the float path result rounded to the raster depth', async () => {
    const raster = await crop(120, 90);
    const viaRaster = await deblurRaster(raster, { model, strength: 0.7, tileSize: 48 });
    const viaFloat = await deblurRgb(toNetworkRgb(raster), 120, 90, { model, strength: 0.7, tileSize: 48 });
    let off = 0;
    viaRaster.raster.pixels.forEach((v, i) => {
      if (Math.abs(v - viaFloat.rgb[i]! * 255) > 0.5 + 1e-3) off++;
    });
    expect(off).toBe(0);
    expect(viaRaster.raster.pixels).not.toBe(raster.pixels);
  });

  it('works in place: gray + alpha, alpha and unselected pixels bit-exact', async () => {
    const raster = await crop(96, 80, { gray: true, alpha: true, sixteen: true });
    const original = raster.pixels.slice();
    const mask = rasteriseMask({ shapes: [{ kind: 'ellipse', cx: 50, cy: 40, rx: 20, ry: 15 }], feather: 4, invert: false }, 96, 80);
    const result = await deblurRaster(raster, { model, strength: 1, mask, tileSize: 32, inPlace: true });
    expect(result.raster).toBe(raster);
    let changedInside = 0;
    for (let p = 0; p < 96 * 80; p++) {
      expect(raster.pixels[p * 2 + 1]).toBe(original[p * 2 + 1]);
      if (mask[p] === 0) expect(raster.pixels[p * 2]).toBe(original[p * 2]);
      else if (raster.pixels[p * 2] !== original[p * 2]) changedInside++;
    }
    expect(changedInside).toBeGreaterThan(500);
    expect(result.accumulator.width).toBeLessThan(50);
  });

  it('strength 0 runs no tile and returns an exact copy', async () => {
    const raster = await crop(64, 48);
    const result = await deblurRaster(raster, { model, strength: 0 });
    expect(result.tiles).toBe(0);
    expect(Buffer.from(result.raster.pixels).equals(Buffer.from(raster.pixels))).toBe(true);
  });
});

describe('tile size', () => {
  const io = { preferredTileSize: 512, sizeMultiple: 8, receptiveFieldMargin: 2 };
  it('takes the manifest size when memory allows, else the largest that fits, as a size multiple', () => {
    expect(chooseTileSize({ io, freeBytes: 16 * 1024 ** 3 })).toBe(512);
    const tight = chooseTileSize({ io, freeBytes: 4 * tileBytes(300) });
    expect(tight % 8).toBe(0);
    expect(tight).toBeLessThanOrEqual(300);
    expect(tight).toBeGreaterThan(290);
    expect(tileBytes(1)).toBe(4 * (6 + ACTIVATION_FLOATS_PER_PIXEL));
    // Never a uselessly small tile, and an explicit request still respects memory.
    expect(chooseTileSize({ io, freeBytes: 1024 })).toBe(64);
    // With a wide margin (the base model's 44 px) low memory stops at the tiler's minimum instead:
    // 2 × (2 × 44 + 8) + 4 = 196 px, where a 64-px cap would be raised to 100 and keep 4 px a window.
    expect(chooseTileSize({ io: { preferredTileSize: 1024, sizeMultiple: 4, receptiveFieldMargin: 44 }, freeBytes: 1024 })).toBe(196);
    expect(chooseTileSize({ io, requested: 48, freeBytes: 16 * 1024 ** 3 })).toBe(48);
    expect(chooseTileSize({ io, requested: 4096, freeBytes: 4 * tileBytes(300) })).toBe(tight);
    // However much memory is free, a tile stays small enough for 100 MP within 2 GB.
    const capped = chooseTileSize({ io, requested: 4096, freeBytes: 256 * 1024 ** 3 });
    expect(capped).toBeGreaterThanOrEqual(1024);
    expect(tileBytes(capped)).toBeLessThanOrEqual(1.25 * 1024 ** 3);
  });

  it('on macOS counts the memory the system hands back on demand, not only its free pages', () => {
    const GiB = 1024 ** 3;
    // A 16 GB Mac in use: 0.3 GB of free pages, the rest cache and inactive pages.
    expect(availableBytes('darwin', 0.3 * GiB, 16 * GiB)).toBe(4 * GiB);
    const base = { preferredTileSize: 1024, sizeMultiple: 4, receptiveFieldMargin: 44 };
    expect(chooseTileSize({ io: base, freeBytes: availableBytes('darwin', 0.3 * GiB, 16 * GiB) })).toBeGreaterThanOrEqual(1000);
    // By its free pages alone, a quarter of the size: tiles the 2026-12-03 bench measured 1.5–1.9× slower per megapixel.
    expect(chooseTileSize({ io: base, freeBytes: 0.3 * GiB })).toBeLessThan(300);
    // Elsewhere freemem is the available memory already; more free pages than the floor count too.
    expect(availableBytes('linux', 0.3 * GiB, 16 * GiB)).toBe(0.3 * GiB);
    expect(availableBytes('darwin', 9 * GiB, 16 * GiB)).toBe(9 * GiB);
  });
});
