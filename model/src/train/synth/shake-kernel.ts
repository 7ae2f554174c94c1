import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Rng } from '../random.js';
import { uniformIn } from './random-variates.js';
import { maxTrajectoryKernelSize, rasterizePath, scalePath, shakeTrajectory, splatCentred, truncatePath, type Kernel } from './shake-trajectory.js';
import { drawWarp, type Warp } from './shake-warp.js';
import type { SynthesisSpec } from './synthesis-spec.js';

/**
 * Blur kernels for synthetic shake: a Boracchi–Foi trajectory or a measured kernel from the
 * bank (../shared/data/kernels/kernels.json) resized to the spec's extent and turned by a
 * random multiple of 90°, mixed as the spec's kernelMix says (model/base/synth.py `kernel`).
 */
export interface BankKernel {
  name: string;
  kernel: Kernel;
}

export interface KernelBank {
  kernels: BankKernel[];
  /** Why the bank is empty (the packaged app may ship without it), else null. */
  note: string | null;
}

const bankFileSchema = z.record(z.string(), z.object({ type: z.string(), data: z.array(z.array(z.number()).min(1)).min(1) }));

/**
 * Levin et al.'s 8 kernels made the Levin test set's blurs: evaluation data, never training data,
 * whatever a spec's types say (as synth.py's EVALUATION_KERNELS).
 */
export const EVALUATION_KERNEL_PREFIXES = ['levin09_'] as const;

/** The bank's kernels whose type mentions one of the spec's types, less the evaluation sets' own, in file order (as Python). */
export async function loadKernelBank(spec: SynthesisSpec, dataDir: string): Promise<KernelBank> {
  const file = path.join(dataDir, spec.bank.file);
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return { kernels: [], note: `no kernel bank at ${file}: synthetic blur uses random trajectories only` };
  const parsed = bankFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return { kernels: [], note: `the kernel bank ${file} is malformed: synthetic blur uses random trajectories only` };
  const kernels = Object.entries(parsed.data)
    .filter(([name, v]) => spec.bank.types.some((t) => v.type.includes(t)) && !EVALUATION_KERNEL_PREFIXES.some((p) => name.startsWith(p)))
    .map(([name, v]) => ({ name, kernel: { width: v.data[0]!.length, height: v.data.length, data: Float64Array.from(v.data.flat()) } }));
  return { kernels, note: kernels.length ? null : `the kernel bank ${file} has no kernels of type ${spec.bank.types.join(', ')}: random trajectories only` };
}

/**
 * PIL's BILINEAR resampling of a float ("F" mode) image along one axis: a triangle filter
 * widened by the shrink factor (so shrinking averages, not skips), double-precision weights,
 * float32 results (Pillow's Resample.c, precompute_coeffs + ImagingResample*_32bpc).
 */
function resampleAxis(src: Float32Array, width: number, height: number, outSize: number, horizontal: boolean): Float32Array {
  const inSize = horizontal ? width : height;
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = filterScale;
  const invScale = 1 / filterScale;
  const out = new Float32Array(horizontal ? outSize * height : width * outSize);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(centre - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const weights: number[] = [];
    for (let i = lo; i < hi; i++) weights.push(Math.max(0, 1 - Math.abs((i - centre + 0.5) * invScale)));
    const total = weights.reduce((s, w) => s + w, 0);
    const norm = weights.map((w) => (total !== 0 ? w / total : w));
    const lines = horizontal ? height : width;
    for (let line = 0; line < lines; line++) {
      let acc = 0;
      for (let j = 0; j < norm.length; j++) acc += src[horizontal ? line * width + lo + j : (lo + j) * width + line]! * norm[j]!;
      out[horizontal ? line * outSize + o : o * width + line] = acc;
    }
  }
  return out;
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Size (px, odd, ≥ 3) a bank kernel gets at `extent` (shake_kernel.py resize_kernel). */
export function resizedKernelSize(k: Kernel, extent: number): number {
  const side = Math.max(k.width, k.height);
  return Math.max(3, roundHalfEven(side * Math.min(1, extent / side)) | 1);
}

/** Scale a measured kernel so its support spans ~extent px, exactly as PIL does in shake_kernel.py. */
export function resizeKernel(k: Kernel, extent: number): Kernel {
  const size = resizedKernelSize(k, extent);
  let img: Float32Array = Float32Array.from(k.data);
  // Pillow returns a copy for an unchanged size, and resamples horizontally first.
  if (k.width !== size || k.height !== size) {
    if (k.width !== size) img = resampleAxis(img, k.width, k.height, size, true);
    if (k.height !== size) img = resampleAxis(img, size, k.height, size, false);
  }
  const data = Float64Array.from(img, (v) => Math.max(0, v));
  const total = data.reduce((s, v) => s + v, 0);
  for (let i = 0; i < data.length; i++) data[i]! /= total;
  return { width: size, height: size, data };
}

/**
 * Move a kernel's centroid onto the centre pixel of an odd-sized kernel, as shake_kernel.py
 * center_kernel does: each tap is splatted bilinearly, which keeps the centroid exact.
 * Measured kernels sit up to ~7 px off centre; left there, a blurred crop is shifted against
 * its sharp target and the model learns to smear instead of sharpen.
 */
export function centerKernel(k: Kernel): Kernel {
  const [ys, xs, ws]: [number[], number[], number[]] = [[], [], []];
  k.data.forEach((w, i) => {
    if (!(w > 0)) return;
    ys.push(Math.floor(i / k.width));
    xs.push(i % k.width);
    ws.push(w);
  });
  const total = ws.reduce((a, w) => a + w, 0);
  const cy = ws.reduce((a, w, i) => a + w * ys[i]!, 0) / total;
  const cx = ws.reduce((a, w, i) => a + w * xs[i]!, 0) / total;
  return splatCentred(ys.map((y) => y - cy), xs.map((x) => x - cx), ws);
}

/** numpy.rot90(k, turns): counter-clockwise quarter turns. */
export function rot90(k: Kernel, turns: number): Kernel {
  let cur = k;
  for (let t = 0; t < ((turns % 4) + 4) % 4; t++) {
    const { width: w, height: h, data } = cur;
    const out = new Float64Array(data.length);
    // out has shape (w, h): out[i][j] = in[j][w - 1 - i]
    for (let i = 0; i < w; i++) for (let j = 0; j < h; j++) out[i * h + j] = data[j * w + (w - 1 - i)]!;
    cur = { width: h, height: w, data: out };
  }
  return cur;
}

export type KernelSource = 'trajectory' | 'bank' | 'warp';

/** One random shake: a kernel (random trajectory or measured), or a path of warps. */
export type Shake = { source: 'trajectory' | 'bank'; kernel: Kernel } | { source: 'warp'; warp: Warp };

/**
 * One random shake and where it came from (synth.py shake_and_source). With no warp weight (and
 * no bank) the draws are exactly those of the kernel-only recipe, so old streams still resume.
 */
export function drawShake(rng: Rng, spec: SynthesisSpec, bank: readonly BankKernel[]): Shake {
  const mix = spec.kernelMix;
  const bankWeight = bank.length === 0 ? 0 : mix.bank;
  const warpWeight = mix.warp ?? 0;
  const total = mix.trajectory + bankWeight + warpWeight;
  const r = bankWeight === 0 && warpWeight === 0 ? 0 : rng.next();
  if (r < mix.trajectory / total || r >= (mix.trajectory + bankWeight) / total) {
    const t = spec.trajectory;
    const full = shakeTrajectory(rng, t);
    const path = truncatePath(full, Math.max(2, Math.trunc(full.re.length * uniformIn(rng, t.exposure))));
    if (r < mix.trajectory / total) return { kernel: rasterizePath(scalePath(path, uniformIn(rng, t.extentPx))), source: 'trajectory' };
    const w = spec.warp!;
    return { warp: drawWarp(rng, w, scalePath(path, uniformIn(rng, w.extentPx))), source: 'warp' };
  }
  const picked = bank[rng.int(bank.length)]!.kernel;
  const resized = centerKernel(resizeKernel(picked, uniformIn(rng, spec.bank.maxExtentPx)));
  return { kernel: spec.bank.randomRotate90 ? rot90(resized, rng.int(4)) : resized, source: 'bank' };
}

/**
 * The largest side a bank kernel has after resizing to any extent in [lo, hi] and centring.
 * Resized sizes are odd integers, so trying each reachable size is exact (centring can grow
 * a kernel by up to twice its centroid's offset).
 */
function maxCenteredBankSize(k: Kernel, [lo, hi]: readonly number[]): number {
  // One extent per reachable size: the resize, and so the centring, depends on the size alone.
  const extentBySize = new Map<number, number>();
  for (let e = lo!; e < hi!; e += 0.5) {
    const size = resizedKernelSize(k, e);
    if (!extentBySize.has(size)) extentBySize.set(size, e);
  }
  extentBySize.set(resizedKernelSize(k, hi!), hi!);
  return Math.max(...[...extentBySize.values()].map((e) => centerKernel(resizeKernel(k, e)).width));
}

/** The largest kernel side drawKernel can return: photos need this much margin around a crop. */
export function maxKernelSize(spec: SynthesisSpec, bank: readonly BankKernel[]): number {
  const bankMax = Math.max(0, ...bank.map((b) => maxCenteredBankSize(b.kernel, spec.bank.maxExtentPx)));
  // A warp's centred path stays within its extent of the mean pose in each axis (roll adds a
  // photo-size-dependent part that the sampler checks per photo).
  const warpMax = spec.kernelMix.warp && spec.warp ? 2 * (Math.ceil(Math.SQRT2 * spec.warp.extentPx[1]) + 2) + 1 : 0;
  return Math.max(maxTrajectoryKernelSize(spec.trajectory), bankMax, warpMax);
}

/** Side (px) of the part of a kernel above 5 % of its peak (shake_kernel.py kernel_extent, synth.py's statistics). */
export function kernelExtent(k: Kernel): number {
  const peak = Math.max(...k.data);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let y = 0; y < k.height; y++) {
    for (let x = 0; x < k.width; x++) {
      if (k.data[y * k.width + x]! > peak * 0.05) [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  }
  return Math.max(x1 - x0, y1 - y0) + 1;
}
