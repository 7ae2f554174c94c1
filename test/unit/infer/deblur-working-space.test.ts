import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCarrierPng } from '../../../model/src/image/carrier-file.js';
import { decodeImage } from '../../../model/src/image/decode.js';
import { rasteriseMask } from '../../../model/src/image/mask-raster.js';
import type { DecodedImage, RasterImage } from '../../../model/src/image/types.js';
import { workingSpaceForSource } from '../../../model/src/image/working-space.js';
import { deblurRaster } from '../../../model/src/infer/deblur.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { resolveModel, type ResolvedModel } from '../../../model/src/models/library.js';
import { grayProfile } from '../../fixtures/icc-profiles.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * A Display P3 photo must be deblurred as the network was trained: in sRGB. The reference is
 * built with lcms (sharp) alone — P3 → sRGB, the engine on sRGB pixels, sRGB → P3 — and the
 * engine's own float conversion must land on it, where running the network on the P3 values as
 * if they were sRGB does not. The placeholder (an unsharp mask) makes the difference visible.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/photos-extra/Kodak24/kodim23.png');
const tempDir = useTempDir('unshake-p3-');
let model: ResolvedModel;
let p3: DecodedImage;

beforeAll(async () => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
  model = await resolveModel('placeholder');
  const file = path.join(tempDir(), 'p3.png');
  await sharp(photo).extract({ left: 300, top: 200, width: 160, height: 120 }).withIccProfile('p3').png().toFile(file);
  p3 = await decodeImage(file);
});
afterAll(() => releaseSessions());

const deblur = (raster: RasterImage, extra: Partial<Parameters<typeof deblurRaster>[1]> = {}) =>
  deblurRaster(raster, { model, strength: 1, ...extra }).then((r) => r.raster.pixels);

async function lcmsReference(): Promise<Uint8Array> {
  const { width, height } = p3.raster;
  // lcms: the P3 file → sRGB pixels (sharp converts through the embedded profile).
  const srgb = await sharp(path.join(tempDir(), 'p3.png')).withIccProfile('srgb').raw().toBuffer();
  const result = await deblur({ ...p3.raster, pixels: new Uint8Array(srgb) });
  // Raw pixels are sRGB to sharp: withIccProfile('p3') converts them into P3.
  return new Uint8Array(await sharp(Buffer.from(result), { raw: { width, height, channels: 3 } }).withIccProfile('p3').raw().toBuffer());
}

const srgbEncode = (y: number) => (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055);
const srgbDecode = (x: number) => (x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);

function offBy(a: ArrayLike<number>, b: ArrayLike<number>, levels: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) >= levels) n++;
  return n;
}

function meanAndMax(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}

describe('deblurring a photo in another RGB space', () => {
  it('runs the network in sRGB and returns the pixels in the photo’s own space', async () => {
    const space = workingSpaceForSource(p3.source, p3.raster.channels);
    expect(space?.description).toMatch(/P3/);
    const ours = await deblur(p3.raster, { workingSpace: space });
    const naive = await deblur(p3.raster);
    const reference = await lcmsReference();
    const oursOff = meanAndMax(ours, reference);
    const naiveOff = meanAndMax(naive, reference);
    // lcms rounds to 8 bits three times on its way; the engine converts in float.
    expect(oursOff.max).toBeLessThanOrEqual(2);
    expect(oursOff.mean).toBeLessThan(0.5);
    // On P3 values taken for sRGB the sharpening lands elsewhere: up to 10 levels off here, and
    // five times as many samples 2 or more levels off (539 vs 101 measured).
    expect(naiveOff.max).toBeGreaterThanOrEqual(5);
    expect(offBy(naive, reference, 2)).toBeGreaterThan(3 * offBy(ours, reference, 2));
  });

  it('leaves every pixel outside the selection bit-identical', async () => {
    const { width, height } = p3.raster;
    const mask = rasteriseMask({ shapes: [{ kind: 'rect', x: 40, y: 30, width: 60, height: 50 }], feather: 0, invert: false }, width, height);
    const space = workingSpaceForSource(p3.source, 3);
    const out = await deblur(p3.raster, { workingSpace: space, mask });
    let changedInside = 0;
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) {
        if (mask[p] === 0) expect(out[p * 3 + c]).toBe(p3.raster.pixels[p * 3 + c]);
        else if (out[p * 3 + c] !== p3.raster.pixels[p * 3 + c]) changedInside++;
      }
    }
    expect(changedInside).toBeGreaterThan(1000);
  });

  it('runs a gray photo with a gamma-1.8 profile as sRGB gray', async () => {
    const { width, height } = p3.raster;
    const gray = new Uint8Array(await sharp(photo).extract({ left: 300, top: 200, width, height }).greyscale().raw().toBuffer());
    const raster: RasterImage = { width, height, channels: 1, bitDepth: 8, pixels: gray };
    const space = workingSpaceForSource({ icc: grayProfile(1.8), space: 'b-w' }, 1);
    expect(space?.gray).toBe(true);
    // Reference by formula: level → linear (γ 1.8) → sRGB gray, the engine on that, and back.
    const gamma = 461 / 256; // the profile stores γ as u8Fixed8
    const toSrgb = (v: number) => Math.round(255 * srgbEncode((v / 255) ** gamma));
    const fromSrgb = (v: number) => Math.round(255 * srgbDecode(v / 255) ** (1 / gamma));
    const inSrgb = await deblur({ ...raster, pixels: gray.map(toSrgb) });
    const reference = inSrgb.map(fromSrgb);
    const ours = await deblur(raster, { workingSpace: space });
    const naive = await deblur(raster);
    // Two 8-bit roundings on the reference's way (at most ~2 levels in the shadows, where γ 1.8 is steep).
    expect(meanAndMax(ours, reference).max).toBeLessThanOrEqual(3);
    expect(offBy(naive, reference, 2)).toBeGreaterThan(3 * offBy(ours, reference, 2));
  });

  it('keeps wide-gamut colours the network leaves alone, though its output is clamped to sRGB', async () => {
    // Flat patches of saturated Display P3 colours (outside sRGB) and an ordinary one: a flat
    // patch has nothing to deblur, so the trained model must hand each colour back as it was.
    const base = await resolveModel('unshake-base');
    const colours = [[0, 255, 0], [255, 0, 0], [60, 180, 90], [230, 200, 40]];
    const size = 32;
    const pixels = new Uint8Array(colours.length * size * size * 3);
    colours.forEach((c, i) => { for (let p = 0; p < size * size; p++) pixels.set(c, (i * size * size + p) * 3); });
    // These values *are* P3 (the profile is attached, the pixels not converted into it).
    const file = path.join(tempDir(), 'p3-flat.png');
    await writeCarrierPng({ width: size, height: size * colours.length, channels: 3, bitDepth: 8, pixels }, file, { icc: p3.source.icc, exif: null });
    const flat = await decodeImage(file);
    expect(Array.from(flat.raster.pixels.slice(0, 3))).toEqual(colours[0]);
    const space = workingSpaceForSource(flat.source, 3);
    const out = (await deblurRaster(flat.raster, { model: base, strength: 1, workingSpace: space })).raster.pixels;
    colours.forEach((c, i) => {
      const centre = ((i * size + size / 2) * size + size / 2) * 3;
      for (let ch = 0; ch < 3; ch++) expect(Math.abs(out[centre + ch]! - c[ch]!), `P3 ${c.join(',')}`).toBeLessThanOrEqual(2);
    });
  });

  it('converts nothing for sRGB, mismatched or CMYK-converted photos', async () => {
    expect(workingSpaceForSource({ icc: null, space: 'srgb' }, 3)).toBeUndefined();
    // An RGB profile on gray pixels does not describe them.
    expect(workingSpaceForSource(p3.source, 1)).toBeUndefined();
    expect(workingSpaceForSource({ ...p3.source, space: 'cmyk' }, 3)).toBeUndefined();
  });
});
