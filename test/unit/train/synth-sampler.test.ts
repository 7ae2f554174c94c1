import { copyFile, mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../model/src/train/random.js';
import { validateSharpFolder, type SharpPhoto } from '../../../model/src/train/synth/sharp-folder.js';
import { SRGB_TO_LINEAR } from '../../../model/src/train/synth/shake-degrade.js';
import { drawShake, kernelExtent, loadKernelBank, maxKernelSize, type Shake } from '../../../model/src/train/synth/shake-kernel.js';
import { shakeFootprint, SynthSampler, type ShakeSynthesis } from '../../../model/src/train/synth/synth-sampler.js';
import { syntheticValidationSet } from '../../../model/src/train/synth/synth-validation.js';
import { loadSynthesisSpec } from '../../../model/src/train/synth/synthesis-spec.js';
import { repoRoot, sharedData } from './helpers.js';

interface GoldenStats {
  kernelStats: { draws: number; medianExtent: number; p90Extent: number; bankShare: number };
  brightness: { samples: number; crop: number; meanLinear: number; meanU8: number; medianU8: number };
  brightnessStored: { spec: string; samples: number; crop: number; meanU8: number; medianU8: number };
}

let synth: ShakeSynthesis;
let photos: SharpPhoto[];
let golden: GoldenStats;

const CROP = 48;
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q; // numpy's default (linear) percentile
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

beforeAll(async () => {
  const spec = await loadSynthesisSpec();
  synth = { spec, bank: (await loadKernelBank(spec, sharedData('.'))).kernels };
  golden = JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/synth-golden.json'), 'utf8')) as GoldenStats;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-synth-'));
  for (const name of ['101085.jpg', '108005.jpg', '12084.jpg']) await copyFile(path.join(sharedData('photos-extra/CBSD68'), name), path.join(dir, name));
  photos = (await validateSharpFolder(dir, { minSize: CROP + maxKernelSize(spec, synth.bank) - 1 })).valid;
  expect(photos).toHaveLength(3);
});

describe('synthetic-shake sampler', () => {
  const sampler = (seed: number, cacheSize = 2) => new SynthSampler(photos, synth, { crop: CROP, batch: 2, rng: new Rng(seed), cacheSize });

  it('gives byte-identical batches for a seed, other batches for another seed, and resumes from a saved rng state', async () => {
    const a = sampler(7);
    const b = sampler(7, 1); // the cache size must not change the stream
    const first = await a.nextBatch();
    expect(first.shape).toEqual([2, CROP, CROP, 3]);
    const firstB = await b.nextBatch();
    expect(bytes(firstB.blurred).equals(bytes(first.blurred))).toBe(true);
    expect(bytes(firstB.sharp).equals(bytes(first.sharp))).toBe(true);
    expect(bytes(first.blurred).equals(bytes(first.sharp))).toBe(false);

    const other = await sampler(8).nextBatch();
    expect(bytes(other.sharp).equals(bytes(first.sharp))).toBe(false);

    // Checkpoint mid-stream: a new sampler on the saved state gives the same next batch.
    const saved = new Rng(0);
    const rng = new Rng(7);
    const stream = new SynthSampler(photos, synth, { crop: CROP, batch: 2, rng });
    await stream.nextBatch();
    saved.state = rng.state;
    const next = await stream.nextBatch();
    const resumed = await new SynthSampler(photos, synth, { crop: CROP, batch: 2, rng: new Rng(saved.state) }).nextBatch();
    expect(bytes(resumed.blurred).equals(bytes(next.blurred))).toBe(true);
    expect(bytes(resumed.sharp).equals(bytes(next.sharp))).toBe(true);
    expect(bytes(next.sharp).equals(bytes(first.sharp))).toBe(false);
    expect(a.cachedPhotos).toBeLessThanOrEqual(2);
    expect(b.cachedPhotos).toBe(1);
  });

  it('draws its mild share from the mild spec (0–9 px, some none), and a zero share leaves the stream as without one', async () => {
    const mildSpec = await loadSynthesisSpec(path.join(repoRoot, 'model/base/synthesis-spec-mild.json'));
    const mildSynth = { spec: mildSpec, bank: (await loadKernelBank(mildSpec, sharedData('.'))).kernels };
    const withShare = (share: number, seed: number) => new SynthSampler(photos, synth, { crop: CROP, batch: 2, rng: new Rng(seed), mild: { synth: mildSynth, share } });
    const all = withShare(1, 5);
    const samples = [];
    for (let i = 0; i < 12; i++) samples.push(await all.sample());
    for (const s of samples) expect(s.shake.source === 'warp' ? Infinity : kernelExtent(s.shake.kernel)).toBeLessThanOrEqual(10);
    // Some of them are no blur at all: the blurred crop differs from its target by noise and JPEG only.
    const meanAbs = samples.map((s) => mean(s.blurred.map((v, i) => Math.abs(v - s.sharp[i]!))));
    expect(Math.min(...meanAbs)).toBeLessThan(2);
    const plain = await sampler(9).nextBatch();
    const zero = await withShare(0, 9).nextBatch();
    expect(bytes(zero.blurred).equals(bytes(plain.blurred))).toBe(true);
    // The main spec's shake is longer: with no mild share the same draws give larger kernels.
    const main = new SynthSampler(photos, synth, { crop: CROP, batch: 2, rng: new Rng(5) });
    const mainExtents = [];
    for (let i = 0; i < 12; i++) {
      const { shake } = await main.sample();
      mainExtents.push(shake.source === 'warp' ? 0 : kernelExtent(shake.kernel));
    }
    expect(Math.max(...mainExtents)).toBeGreaterThan(10);
  });

  it('builds the same synthetic validation items every time for a seed', async () => {
    const once = await syntheticValidationSet(photos, synth, 64, 3);
    const again = await syntheticValidationSet(photos, synth, 64, 3);
    const otherSeed = await syntheticValidationSet(photos, synth, 64, 4);
    expect(once.map((i) => i.edge)).toEqual([64, 64, 64]);
    for (let i = 0; i < once.length; i++) {
      expect(Buffer.from(again[i]!.blurred).equals(Buffer.from(once[i]!.blurred))).toBe(true);
      expect(Buffer.from(again[i]!.target.buffer).equals(Buffer.from(once[i]!.target.buffer))).toBe(true);
      expect(Buffer.from(otherSeed[i]!.blurred).equals(Buffer.from(once[i]!.blurred))).toBe(false);
    }
  });

  it('draws kernels with the Python recipe\'s extent distribution and bank share', () => {
    const { draws, medianExtent, p90Extent, bankShare } = golden.kernelStats;
    const rng = new Rng(11);
    const all = Array.from({ length: draws }, () => kernelOf(drawShake(rng, synth.spec, synth.bank)));
    const extents = all.map((d) => kernelExtent(d.kernel));
    const share = all.filter((d) => d.source === 'bank').length / draws;
    expect(Math.abs(quantile(extents, 0.5) - medianExtent)).toBeLessThanOrEqual(2);
    expect(Math.abs(quantile(extents, 0.9) - p90Extent)).toBeLessThanOrEqual(3);
    expect(Math.abs(share - bankShare)).toBeLessThanOrEqual(0.08);
    for (const { kernel } of all) expect(Math.abs(kernel.data.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-9);
    expect(Math.max(...all.map((d) => Math.max(d.kernel.width, d.kernel.height)))).toBeLessThanOrEqual(maxKernelSize(synth.spec, synth.bank));
  });

  it('keeps mean brightness like the Python recipe (blurring must not darken)', async () => {
    const { dU8, dLin } = await brightnessShifts(synth, golden.brightness.samples, golden.brightness.crop);
    const { meanLinear, meanU8, medianU8 } = golden.brightness;
    // Python: about +4 grey levels (linear blur brightens in sRGB terms; boosted highlights add light).
    expect(Math.sign(mean(dU8))).toBe(Math.sign(meanU8));
    expect(Math.abs(mean(dU8) - meanU8)).toBeLessThan(1.5);
    expect(Math.abs(quantile(dU8, 0.5) - medianU8)).toBeLessThan(1.5);
    expect(Math.abs(mean(dLin) - meanLinear)).toBeLessThan(0.004);
  });

  it('blurs stored values under colour.transfer identity: the sRGB mean stays, as the Python recipe', async () => {
    const g = golden.brightnessStored;
    const spec = await loadSynthesisSpec(path.join(repoRoot, 'model/base', g.spec));
    expect(spec.colour.transfer).toBe('identity');
    const stored = { spec, bank: (await loadKernelBank(spec, sharedData('.'))).kernels };
    const { dU8 } = await brightnessShifts(stored, g.samples, g.crop);
    // Python: median +0.1 grey levels (only boosted highlights add light), where sRGB-EOTF blur gives +2.4.
    expect(Math.abs(quantile(dU8, 0.5) - g.medianU8)).toBeLessThan(0.75);
    expect(Math.abs(mean(dU8) - g.meanU8)).toBeLessThan(1.5);
    expect(quantile(dU8, 0.5)).toBeLessThan(golden.brightness.medianU8 - 1);
  });

  it('passes over a photo too small for the drawn shake, and says so clearly when none fits', async () => {
    const small = (await withHeaderSizes([{ name: 'small.jpg', file: path.join(sharedData('photos-extra/CBSD68'), '101085.jpg'), width: 0, height: 0 }]))[0]!;
    const large = (await withHeaderSizes([{ name: 'large.png', file: path.join(sharedData('photos-extra/Kodak24'), 'kodim01.png'), width: 0, height: 0 }]))[0]!;
    // A crop that leaves the small photo room for short shakes only: long ones must come from the large photo.
    const crop = Math.min(small.width, small.height) - 20;
    const s = new SynthSampler([small, large], synth, { crop, batch: 1, rng: new Rng(11), cacheSize: 2 });
    const used = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const sample = await s.sample();
      const photo = sample.photo === small.name ? small : large;
      const footprint = shakeFootprint(sample.shake, photo.width, photo.height);
      expect(Math.min(photo.width, photo.height)).toBeGreaterThanOrEqual(crop + Math.max(footprint.width, footprint.height) - 1);
      used.add(`${sample.photo}:${footprint.width > 21 || footprint.height > 21 ? 'long' : 'short'}`);
    }
    expect(used.has('large.png:long')).toBe(true);
    const onlySmall = new SynthSampler([small], synth, { crop: Math.min(small.width, small.height), batch: 1, rng: new Rng(11) });
    await expect(onlySmall.sample()).rejects.toThrow(/No photo of 1 drawn in 100 tries has room for a 321-px crop/);
  });
});

/** Blurred − sharp mean brightness (8-bit levels and linear light) over random samples of the spec's sources. */
async function brightnessShifts(synthesis: ShakeSynthesis, samples: number, crop: number): Promise<{ dU8: number[]; dLin: number[] }> {
  const sourcePhotos: SharpPhoto[] = [];
  for (const src of synthesis.spec.sources) {
    const dir = sharedData(src);
    const files = (await readdir(dir)).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
    sourcePhotos.push(...files.map((f) => ({ name: `${src}/${f}`, file: path.join(dir, f), width: 0, height: 0 })));
  }
  const probed = (await withHeaderSizes(sourcePhotos)).filter((p) => Math.min(p.width, p.height) >= crop + maxKernelSize(synthesis.spec, synthesis.bank));
  const s = new SynthSampler(probed, synthesis, { crop, batch: 1, rng: new Rng(5), cacheSize: 8 });
  const dU8: number[] = [];
  const dLin: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { blurred, sharp } = await s.sample();
    dU8.push(mean(blurred) - mean(sharp));
    dLin.push(mean(Array.from(blurred, (v) => SRGB_TO_LINEAR[v]!)) - mean(Array.from(sharp, (v) => SRGB_TO_LINEAR[v]!)));
  }
  return { dU8, dLin };
}

/** The kernel of a kernel shake (the default spec draws no warps). */
function kernelOf(shake: Shake) {
  if (shake.source === 'warp') throw new Error('the default spec drew a warp');
  return shake;
}

/** Sizes straight from the headers (these are upright PNG/JPEG files; nothing to validate). */
function withHeaderSizes(list: SharpPhoto[]): Promise<SharpPhoto[]> {
  return Promise.all(list.map(async (p) => {
    const m = await sharp(p.file).metadata();
    return { ...p, width: m.width, height: m.height };
  }));
}
