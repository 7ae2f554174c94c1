import type { Rng } from '../random.js';
import { standardNormals, uniformIn } from './random-variates.js';
import type { SynthesisSpec } from './synthesis-spec.js';

/**
 * Random camera-shake paths (Boracchi & Foi 2012) and their rasterisation into a blur kernel:
 * a port of trajectory / scale_path / rasterize in model/base/shake_kernel.py. The two sides draw
 * from different generators, so a given seed gives different paths in Python and here; the
 * deterministic steps match exactly and the distributions are compared in the tests.
 */

/** A blur kernel (PSF): row-major weights that sum to 1. */
export interface Kernel {
  width: number;
  height: number;
  data: Float64Array;
}

/** Camera positions over the exposure, as x (re) and y (im) coordinates. */
export interface ShakePath {
  re: Float64Array;
  im: Float64Array;
}

/** Inertia, a centripetal pull, Gaussian jitter and rare abrupt shakes; only the shape matters. */
export function shakeTrajectory(rng: Rng, t: SynthesisSpec['trajectory']): ShakePath {
  const n = t.samples;
  const anxiety = uniformIn(rng, t.anxiety);
  const centripetal = uniformIn(rng, t.centripetal);
  const gauss = uniformIn(rng, t.gaussianTerm);
  const big = uniformIn(rng, t.freqBigShakes);
  const step = t.pathLength / (n - 1);
  const heading = 2 * Math.PI * rng.next();
  const speed = anxiety > 0 ? anxiety : step;
  let vr = Math.cos(heading) * speed;
  let vi = Math.sin(heading) * speed;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const shakes = Array.from({ length: n }, () => rng.next() < big * anxiety);
  const noise = standardNormals(rng, 2 * n); // (re, im) pairs
  for (let k = 0; k < n - 1; k++) {
    if (shakes[k]) {
      // An abrupt shake: reverse (roughly) and double the velocity.
      const angle = Math.PI + (rng.next() - 0.5);
      const [c, s] = [Math.cos(angle), Math.sin(angle)];
      [vr, vi] = [vr + 2 * (vr * c - vi * s), vi + 2 * (vr * s + vi * c)];
    }
    vr += anxiety * (gauss * noise[2 * k]! - centripetal * re[k]!) * step;
    vi += anxiety * (gauss * noise[2 * k + 1]! - centripetal * im[k]!) * step;
    const norm = Math.hypot(vr, vi) + 1e-12;
    vr = (vr / norm) * step;
    vi = (vi / norm) * step;
    re[k + 1] = re[k]! + vr;
    im[k + 1] = im[k]! + vi;
  }
  return { re, im };
}

/** The first `count` positions (a shorter exposure). */
export function truncatePath(p: ShakePath, count: number): ShakePath {
  return { re: p.re.slice(0, count), im: p.im.slice(0, count) };
}

const span = (v: Float64Array) => Math.max(...v) - Math.min(...v);

/** Scale so the larger side of the path's bounding box is `extent` px (the raw path curls). */
export function scalePath(p: ShakePath, extent: number): ShakePath {
  const factor = extent / Math.max(span(p.re), span(p.im), 1e-6);
  return { re: p.re.map((v) => v * factor), im: p.im.map((v) => v * factor) };
}

/**
 * Bilinear splat of weighted points, given relative to their centre, into a normalised kernel
 * whose pixel (r, r) is that centre; r leaves a pixel beyond the farthest point (shake_kernel.py
 * splat_centred). Odd side 2r + 1, or 2r + 2 (`evenSide`: the trajectory kernels' side, whose
 * last row and column stay empty).
 */
export function splatCentred(dy: ArrayLike<number>, dx: ArrayLike<number>, weights: ArrayLike<number> | null, evenSide = false): Kernel {
  let reach = 0;
  for (let i = 0; i < dy.length; i++) reach = Math.max(reach, Math.abs(dx[i]!), Math.abs(dy[i]!));
  const r = Math.ceil(reach) + 1;
  const size = 2 * r + (evenSide ? 2 : 1);
  const data = new Float64Array(size * size);
  for (let i = 0; i < dy.length; i++) {
    const w = weights ? weights[i]! : 1;
    const [ys, xs] = [dy[i]! + r, dx[i]! + r];
    const [y0, x0] = [Math.floor(ys), Math.floor(xs)];
    const [fy, fx] = [ys - y0, xs - x0];
    data[y0 * size + x0]! += w * ((1 - fx) * (1 - fy));
    data[y0 * size + x0 + 1]! += w * (fx * (1 - fy));
    data[(y0 + 1) * size + x0]! += w * ((1 - fx) * fy);
    data[(y0 + 1) * size + x0 + 1]! += w * (fx * fy);
  }
  const total = data.reduce((s, v) => s + v, 0);
  for (let i = 0; i < data.length; i++) data[i]! /= total;
  return { width: size, height: size, data };
}

/** Bilinear splat of the positions into a normalised PSF (equal time per sample). */
export function rasterizePath(p: ShakePath): Kernel {
  const n = p.re.length;
  const meanRe = p.re.reduce((s, v) => s + v, 0) / n;
  const meanIm = p.im.reduce((s, v) => s + v, 0) / n;
  return splatCentred(p.im.map((v) => v - meanIm), p.re.map((v) => v - meanRe), null, true);
}

/** The largest kernel a trajectory can give (px): the path fits a box of the largest extent. */
export function maxTrajectoryKernelSize(t: SynthesisSpec['trajectory']): number {
  return 2 * (Math.ceil(t.extentPx[1]) + 1) + 2;
}
