import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { rasteriseMask } from '../../../model/src/image/mask-raster.js';
import { keepShareOfChange } from '../../../model/src/image/partial-result.js';
import type { DecodedImage, RasterImage } from '../../../model/src/image/types.js';
import { workingSpaceForSource } from '../../../model/src/image/working-space.js';
import { deblurRaster } from '../../../model/src/infer/deblur.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { resolveModel, type ResolvedModel } from '../../../model/src/models/library.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * Saving at a lower strength than the deblur ran with blends the full result with the original
 * instead of running the network again. It must give what a real run at that strength gives:
 * checked against the engine itself with the shipped model, on a real photo, with a feathered
 * selection, in 8 and 16 bits, with alpha, and in a wide-gamut space (where the engine's blend
 * happens in the photo's own values after converting the network's sRGB output back).
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/real-blur/lai_lion.jpg');
const tempDir = useTempDir('unshake-partial-');
let model: ResolvedModel;

beforeAll(async () => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
  model = await resolveModel('unshake-base');
});
afterAll(() => releaseSessions());

async function variant(name: string, build: (image: Sharp) => Sharp): Promise<DecodedImage> {
  const file = path.join(tempDir(), name);
  await build(sharp(photo).extract({ left: 380, top: 260, width: 240, height: 180 })).toFile(file);
  return decodeImage(file);
}

async function deblurAt(decoded: DecodedImage, strength: number): Promise<RasterImage> {
  const { raster, source } = decoded;
  const mask = rasteriseMask({ shapes: [{ kind: 'rect', x: 40, y: 30, width: 150, height: 110 }], feather: 12, invert: false }, raster.width, raster.height);
  const result = await deblurRaster(raster, { model, strength, mask, workingSpace: workingSpaceForSource(source, raster.channels) });
  return result.raster;
}

function compare(a: RasterImage, b: RasterImage): { max: number; changed: number } {
  let max = 0;
  let changed = 0;
  for (let i = 0; i < a.pixels.length; i++) {
    const d = Math.abs(a.pixels[i]! - b.pixels[i]!);
    max = Math.max(max, d);
    if (d > 0) changed++;
  }
  return { max, changed };
}

const cases: [string, (image: Sharp) => Sharp][] = [
  ['8-bit sRGB JPEG', (image) => image.jpeg({ quality: 95 })],
  ['16-bit RGBA PNG', (image) => image.ensureAlpha(0.8).toColourspace('rgb16').png()],
  ['Display P3 PNG', (image) => image.withIccProfile('p3').png()],
];

describe('a deblur saved at a lower strength', () => {
  it.each(cases)('%s: blending the full-strength result equals a run at that strength within one level', async (_name, build) => {
    const decoded = await variant(`${_name.replace(/\W+/g, '-')}.${_name.includes('JPEG') ? 'jpg' : 'png'}`, build);
    const full = await deblurAt(decoded, 1);
    for (const strength of [0.6, 0.25]) {
      const direct = await deblurAt(decoded, strength);
      const blended = keepShareOfChange(decoded.raster, full, strength);
      const off = compare(blended, direct);
      expect(off.max, `${_name} at ${strength}`).toBeLessThanOrEqual(1);
      // The network did change this photo, and the blend is not just the original again.
      expect(compare(blended, decoded.raster).changed).toBeGreaterThan(1000);
    }
    // The ends: all of the change is the result, none of it the original; alpha is the original's.
    expect(compare(keepShareOfChange(decoded.raster, full, 1), full).changed).toBe(0);
    expect(compare(keepShareOfChange(decoded.raster, full, 0), decoded.raster).changed).toBe(0);
    // In place (a save's way, one raster less): the same samples, written into the original's.
    const copy: RasterImage = { ...decoded.raster, pixels: decoded.raster.pixels.slice() };
    const inPlace = keepShareOfChange(copy, full, 0.6, { inPlace: true });
    expect(inPlace.pixels).toBe(copy.pixels);
    expect(compare(inPlace, keepShareOfChange(decoded.raster, full, 0.6)).changed).toBe(0);
  });

  it('refuses a result that no longer matches the photo, and a share outside 0..1', async () => {
    const decoded = await variant('small.png', (image) => image.png());
    const other: RasterImage = { ...decoded.raster, width: decoded.raster.height, height: decoded.raster.width };
    expect(() => keepShareOfChange(decoded.raster, other, 0.5)).toThrow(/changed on disk/);
    expect(() => keepShareOfChange(decoded.raster, decoded.raster, 1.5)).toThrow(RangeError);
  });
});
