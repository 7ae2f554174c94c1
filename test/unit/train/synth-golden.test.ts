import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { blurLinear, encodeU8, type RgbImage, type Transfer } from '../../../model/src/train/synth/shake-degrade.js';
import { centerKernel, loadKernelBank, resizeKernel, rot90 } from '../../../model/src/train/synth/shake-kernel.js';
import { rasterizePath, scalePath, type Kernel } from '../../../model/src/train/synth/shake-trajectory.js';
import { cutRgb } from '../../../model/src/train/synth/synth-sampler.js';
import { defaultSynthesisSpecPath, loadSynthesisSpec, type SynthesisSpec } from '../../../model/src/train/synth/synthesis-spec.js';
import { maxAbsDiff, repoRoot, sharedData } from './helpers.js';

/**
 * The deterministic part of the TS synthesis against model/base/synth.py on the committed
 * fixture (python3 model/base/synth.py --golden test/fixtures/synth-golden.json).
 */
interface GoldenKernel {
  width: number;
  height: number;
  data: number[];
}

interface Golden {
  specVersion: number;
  photo: string;
  crop: { left: number; top: number; size: number };
  saturationThreshold: number;
  chain: { name: string; kernel: GoldenKernel; bank: { name: string; extent: number; rot90: number } | null; saturationGain: number | null; transfer: Transfer; u8: string }[];
  resize: (GoldenKernel & { name: string; extent: number })[];
  center: (GoldenKernel & { name: string; extent: number })[];
  rasterize: GoldenKernel & { points: [number, number][]; extent: number };
}

let golden: Golden;
let spec: SynthesisSpec;
let bank: Map<string, Kernel>;
let photo: RgbImage;

const toKernel = (k: GoldenKernel): Kernel => ({ width: k.width, height: k.height, data: Float64Array.from(k.data) });

/** Distance (px, larger axis) of a kernel's centroid from its geometric centre. */
function centroidOffset(k: Kernel): number {
  let [total, sy, sx] = [0, 0, 0];
  k.data.forEach((w, i) => {
    [total, sy, sx] = [total + w, sy + w * Math.floor(i / k.width), sx + w * (i % k.width)];
  });
  return Math.max(Math.abs(sy / total - (k.height - 1) / 2), Math.abs(sx / total - (k.width - 1) / 2));
}

beforeAll(async () => {
  golden = JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/synth-golden.json'), 'utf8')) as Golden;
  spec = await loadSynthesisSpec();
  bank = new Map((await loadKernelBank(spec, sharedData('.'))).kernels.map((b) => [b.name, b.kernel]));
  const file = path.join(sharedData('photos-extra'), path.relative('photos-extra', golden.photo));
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  photo = { width: info.width, height: info.height, data: new Uint8Array(data) };
});

describe('synthetic shake matches the Python recipe', () => {
  it('reads the same spec file the Python recipe reads', () => {
    expect(defaultSynthesisSpecPath()).toBe(path.join(repoRoot, 'model/base/synthesis-spec.json'));
    expect(golden.specVersion).toBe(spec.version);
    expect(golden.saturationThreshold).toBe(spec.saturation.threshold);
  });

  it('resizes bank kernels exactly as PIL does (within 1e-4)', () => {
    expect(golden.resize.length).toBeGreaterThanOrEqual(2);
    for (const g of golden.resize) {
      const k = resizeKernel(bank.get(g.name)!, g.extent);
      expect([k.width, k.height]).toEqual([g.width, g.height]);
      expect(maxAbsDiff(k.data, g.data)).toBeLessThan(1e-4);
    }
  });

  it('centres resized bank kernels as Python does (within 1e-12 of the same resize)', () => {
    expect(golden.center.map((g) => g.name)).toEqual(golden.resize.map((g) => g.name));
    golden.center.forEach((g, i) => {
      // From Python's own resize, so only the centring is compared here.
      const k = centerKernel(toKernel(golden.resize[i]!));
      expect([k.width, k.height]).toEqual([g.width, g.height]);
      expect(maxAbsDiff(k.data, g.data)).toBeLessThan(1e-12);
    });
  });

  it('puts every bank kernel’s centroid on its centre pixel, at every extent the spec allows', () => {
    const [lo, hi] = spec.bank.maxExtentPx;
    let worstBefore = 0;
    for (const kernel of bank.values()) {
      for (const extent of [lo!, (lo! + hi!) / 2, hi!]) {
        const resized = resizeKernel(kernel, extent);
        worstBefore = Math.max(worstBefore, centroidOffset(resized));
        const centred = centerKernel(resized);
        expect(centred.width % 2).toBe(1);
        expect(centroidOffset(centred)).toBeLessThan(1e-9);
        expect(centred.data.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      }
    }
    // The bank really is off centre: without centring, blur would shift crops by pixels.
    expect(worstBefore).toBeGreaterThan(2);
  });

  it('rasterises a fixed path into the same kernel', () => {
    const g = golden.rasterize;
    const points = { re: Float64Array.from(g.points, (p) => p[0]), im: Float64Array.from(g.points, (p) => p[1]) };
    const k = rasterizePath(scalePath(points, g.extent));
    expect([k.width, k.height]).toEqual([g.width, g.height]);
    expect(maxAbsDiff(k.data, g.data)).toBeLessThan(1e-9);
  });

  it('blurs a real crop in linear light to within 1 grey level, with and without highlight boost, through both transfers', () => {
    expect(golden.chain.length).toBe(12);
    expect(new Set(golden.chain.map((c) => c.transfer))).toEqual(new Set(['srgb', 'identity']));
    const { left, top, size } = golden.crop;
    for (const c of golden.chain) {
      // Bank cases are rebuilt from the bank here, so resize + centring + rot90 are checked through the chain too.
      const kernel = c.bank ? rot90(centerKernel(resizeKernel(bank.get(c.bank.name)!, c.bank.extent)), c.bank.rot90) : toKernel(c.kernel);
      expect(maxAbsDiff(kernel.data, c.kernel.data)).toBeLessThan(1e-4);
      const big = cutRgb(photo, left - Math.floor(kernel.width / 2), top - Math.floor(kernel.height / 2), size + kernel.width - 1, size + kernel.height - 1);
      const blurred = blurLinear(big, kernel, c.saturationGain, spec.saturation.threshold, c.transfer);
      expect([blurred.width, blurred.height]).toEqual([size, size]);
      const u8 = encodeU8(blurred.data, c.transfer);
      const expected = new Uint8Array(Buffer.from(c.u8, 'base64'));
      expect(maxAbsDiff(u8, expected), `${c.name}, gain ${c.saturationGain}, ${c.transfer}`).toBeLessThanOrEqual(1);
      // The case must actually blur: a no-op or a shifted copy would differ from the sharp crop less.
      expect(maxAbsDiff(expected, cutRgb(photo, left, top, size, size).data)).toBeGreaterThan(10);
    }
  });

  it('the highlight boost changes the output (the fixture crop has highlights above the threshold)', () => {
    const [off, on] = golden.chain.filter((c) => c.name === 'l-shape-5x5' && c.transfer === 'srgb');
    expect(maxAbsDiff(Buffer.from(off!.u8, 'base64'), Buffer.from(on!.u8, 'base64'))).toBeGreaterThan(5);
  });
});
