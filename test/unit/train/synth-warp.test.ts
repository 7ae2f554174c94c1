import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../model/src/train/random.js';
import type { SharpPhoto } from '../../../model/src/train/synth/sharp-folder.js';
import { blurLinear, boostedLinear, encodeU8, type RgbImage, type Transfer } from '../../../model/src/train/synth/shake-degrade.js';
import { drawShake, loadKernelBank } from '../../../model/src/train/synth/shake-kernel.js';
import { scalePath, splatCentred } from '../../../model/src/train/synth/shake-trajectory.js';
import { resamplePath, rollPath, warpAverage, warpMargin, type Warp } from '../../../model/src/train/synth/shake-warp.js';
import { cutRgb, SynthSampler, type ShakeSynthesis } from '../../../model/src/train/synth/synth-sampler.js';
import { loadSynthesisSpec } from '../../../model/src/train/synth/synthesis-spec.js';
import { maxAbsDiff, repoRoot, sharedData } from './helpers.js';

/**
 * Shake as averaged warped frames (shake-warp.ts) against model/base/shake_warp.py on the
 * committed fixture (python3 model/base/synth.py --golden test/fixtures/synth-golden.json).
 */
interface Golden {
  photo: string;
  saturationThreshold: number;
  rasterize: { points: [number, number][] };
  warp: {
    curlExtent: number; poses: number; rollSwingDeg: number; rollBendDeg: number;
    dx: number[]; dy: number[]; theta: number[]; margin: number; top: number; left: number; size: number;
    cases: { transfer: Transfer; saturationGain: number | null; u8: string }[];
  };
  brightnessWarp: { spec: string; warpShare: number; samples: number; crop: number; meanU8: number; medianU8: number };
}

let golden: Golden;
let photo: RgbImage;
let warped: ShakeSynthesis;

const deg = (d: number) => (d * Math.PI) / 180;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;

/** The fixture's warp rebuilt from its inputs (the curl, the pose count, the roll). */
function fixtureWarp(): Warp {
  const g = golden.warp;
  const points = { re: Float64Array.from(golden.rasterize.points, (p) => p[0]), im: Float64Array.from(golden.rasterize.points, (p) => p[1]) };
  const p = resamplePath(scalePath(points, g.curlExtent), g.poses);
  return { dx: p.re, dy: p.im, theta: rollPath(g.poses, deg(g.rollSwingDeg), deg(g.rollBendDeg)) };
}

beforeAll(async () => {
  golden = JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/synth-golden.json'), 'utf8')) as Golden;
  const file = path.join(sharedData('photos-extra'), path.relative('photos-extra', golden.photo));
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  photo = { width: info.width, height: info.height, data: new Uint8Array(data) };
  const spec = await loadSynthesisSpec(path.join(repoRoot, 'model/base', golden.brightnessWarp.spec));
  warped = { spec, bank: (await loadKernelBank(spec, sharedData('.'))).kernels };
});

describe('shake as averaged warped frames matches the Python recipe', () => {
  it('resamples the path and rolls the camera as Python does, each centred on the mean pose', () => {
    const w = fixtureWarp();
    expect(maxAbsDiff(w.dx, golden.warp.dx)).toBeLessThan(1e-12);
    expect(maxAbsDiff(w.dy, golden.warp.dy)).toBeLessThan(1e-12);
    expect(maxAbsDiff(w.theta, golden.warp.theta)).toBeLessThan(1e-15);
    for (const v of [w.dx, w.dy, w.theta]) expect(Math.abs(mean(v))).toBeLessThan(1e-12);
    expect(warpMargin(w, photo.height, photo.width)).toBe(golden.warp.margin);
  });

  it('averages the warped frames of a real crop to within 1 grey level, through both transfers, with and without boost', () => {
    const w = fixtureWarp();
    const { margin, top, left, size, cases } = golden.warp;
    expect(cases).toHaveLength(4);
    const big = cutRgb(photo, left, top, size + 2 * margin, size + 2 * margin);
    const place = { top, left, photoHeight: photo.height, photoWidth: photo.width, margin, size };
    for (const c of cases) {
      const lin = warpAverage(boostedLinear(big.data, c.saturationGain, golden.saturationThreshold, c.transfer), w, place);
      const expected = new Uint8Array(Buffer.from(c.u8, 'base64'));
      expect(maxAbsDiff(encodeU8(lin, c.transfer), expected), `${c.transfer}, gain ${c.saturationGain}`).toBeLessThanOrEqual(1);
      expect(maxAbsDiff(expected, cutRgb(photo, left + margin, top + margin, size, size).data)).toBeGreaterThan(10);
    }
  });

  it('is the kernel blur when the camera only translates (whole-pixel poses)', () => {
    const w: Warp = { dx: Float64Array.of(-3, -1, 1, 3), dy: Float64Array.of(1, 0, 0, -1), theta: new Float64Array(4) };
    const size = 32;
    const margin = warpMargin(w, photo.height, photo.width);
    const [top, left] = [150, 300];
    const big = cutRgb(photo, left, top, size + 2 * margin, size + 2 * margin);
    const lin = warpAverage(boostedLinear(big.data, null, 1, 'srgb'), w, { top, left, photoHeight: photo.height, photoWidth: photo.width, margin, size });
    const k = splatCentred(w.dy, w.dx, null);
    const r = Math.floor(k.width / 2);
    const viaKernel = blurLinear(cutRgb(photo, left + margin - r, top + margin - r, size + 2 * r, size + 2 * r), k, null, 1, 'srgb');
    expect(maxAbsDiff(lin, viaKernel.data)).toBeLessThan(1e-12);
  });

  it('blurs more far from the photo centre when the camera rolls', () => {
    const poses = 32;
    const w: Warp = { dx: new Float64Array(poses), dy: new Float64Array(poses), theta: rollPath(poses, deg(2), 0) };
    const size = 48;
    const margin = warpMargin(w, photo.height, photo.width);
    const change = (top: number, left: number) => {
      const big = cutRgb(photo, left, top, size + 2 * margin, size + 2 * margin);
      const out = encodeU8(warpAverage(boostedLinear(big.data, null, 1, 'identity'), w, { top, left, photoHeight: photo.height, photoWidth: photo.width, margin, size }), 'identity');
      return mean(out.map((v, i) => Math.abs(v - cutRgb(photo, left + margin, top + margin, size, size).data[i]!)));
    };
    const centre = change(Math.floor(photo.height / 2) - margin - size / 2, Math.floor(photo.width / 2) - margin - size / 2);
    const corner = change(0, 0);
    // At the centre only sub-pixel motion (≤ 0.4 px at the crop's edge) and interpolation remain.
    expect(centre).toBeLessThan(2);
    expect(corner, `corner ${corner}, centre ${centre}`).toBeGreaterThan(4 * centre);
  });

  it('draws warps at the spec\'s share and keeps the sRGB mean like Python (stored-value blur)', async () => {
    const g = golden.brightnessWarp;
    const rng = new Rng(3);
    const draws = Array.from({ length: 400 }, () => drawShake(rng, warped.spec, warped.bank).source);
    expect(Math.abs(draws.filter((s) => s === 'warp').length / 400 - g.warpShare)).toBeLessThanOrEqual(0.08);

    const photos: SharpPhoto[] = [];
    for (const src of warped.spec.sources) {
      const dir = sharedData(src);
      for (const f of (await readdir(dir)).filter((n) => /\.(png|jpe?g)$/i.test(n)).sort()) {
        const m = await sharp(path.join(dir, f)).metadata();
        if (Math.min(m.width, m.height) >= 300) photos.push({ name: `${src}/${f}`, file: path.join(dir, f), width: m.width, height: m.height });
      }
    }
    const sampler = new SynthSampler(photos, warped, { crop: g.crop, batch: 1, rng: new Rng(5), cacheSize: 8 });
    const shifts: number[] = [];
    let warps = 0;
    for (let i = 0; i < g.samples; i++) {
      const s = await sampler.sample();
      if (s.source === 'warp') warps++;
      expect(s.blurred.length).toBe(g.crop * g.crop * 3);
      shifts.push(mean(s.blurred) - mean(s.sharp));
    }
    expect(warps).toBeGreaterThan(g.samples / 4);
    expect(Math.abs(median(shifts) - g.medianU8)).toBeLessThan(0.75);
    expect(Math.abs(mean(shifts) - g.meanU8)).toBeLessThan(1.5);
  });
});
