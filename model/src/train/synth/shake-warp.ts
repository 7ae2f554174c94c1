import type { Rng } from '../random.js';
import { uniformIn } from './random-variates.js';
import type { ShakePath } from './shake-trajectory.js';
import type { SynthesisSpec } from './synthesis-spec.js';

/**
 * Camera shake as a path of small camera motions (model/base/shake_warp.py): the sharp photo is
 * warped by each pose (translation + roll about the photo's centre) and the frames are averaged
 * in linear light. Roll makes the blur longer far from the centre, which one kernel cannot give.
 */
export type WarpSpec = NonNullable<SynthesisSpec['warp']>;

/** Per-pose offsets (px) and roll (radians), each with mean 0: the mean pose is the identity. */
export interface Warp {
  dx: Float64Array;
  dy: Float64Array;
  theta: Float64Array;
}

const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;

/** Roll over the exposure: a linear swing plus a bend, centred to mean 0. */
export function rollPath(poses: number, swing: number, bend: number): Float64Array {
  const theta = Float64Array.from({ length: poses }, (_, k) => {
    const s = (k + 0.5) / poses - 0.5;
    return swing * s + bend * s * s;
  });
  const m = mean(theta);
  return theta.map((v) => v - m);
}

/** `poses` points evenly spaced in time along the path (numpy linspace + interp), centred. */
export function resamplePath(p: ShakePath, poses: number): ShakePath {
  const n = p.re.length;
  const step = (n - 1) / (poses - 1);
  const re = new Float64Array(poses);
  const im = new Float64Array(poses);
  for (let k = 0; k < poses; k++) {
    const at = k === poses - 1 ? n - 1 : k * step;
    const j = Math.min(Math.floor(at), n - 2);
    const f = at - j;
    re[k] = p.re[j]! + (p.re[j + 1]! - p.re[j]!) * f;
    im[k] = p.im[j]! + (p.im[j + 1]! - p.im[j]!) * f;
  }
  const [mr, mi] = [mean(re), mean(im)];
  return { re: re.map((v) => v - mr), im: im.map((v) => v - mi) };
}

/** path: cut to its exposure and scaled to its extent. Draws, in order: swing, its sign, bend. */
export function drawWarp(rng: Rng, w: WarpSpec, path: ShakePath): Warp {
  const p = resamplePath(path, w.poses);
  const swing = ((uniformIn(rng, w.rollDeg) * Math.PI) / 180) * (rng.next() < 0.5 ? 1 : -1);
  const bend = uniformIn(rng, [-1, 1]) * swing;
  return { dx: p.re, dy: p.im, theta: rollPath(w.poses, swing, bend) };
}

/** Pixels a crop anywhere in the photo must have around it: the farthest any pose moves a pixel. */
export function warpMargin(warp: Warp, photoHeight: number, photoWidth: number): number {
  let shift = 0;
  let roll = 0;
  for (let k = 0; k < warp.dx.length; k++) {
    shift = Math.max(shift, Math.hypot(warp.dx[k]!, warp.dy[k]!));
    roll = Math.max(roll, Math.abs(warp.theta[k]!));
  }
  return Math.ceil(shift + roll * 0.5 * Math.hypot(photoHeight, photoWidth)) + 2;
}

/** Where a crop sits: its big region's top-left in the photo, the photo's size, margin, output size. */
export interface WarpPlace {
  top: number;
  left: number;
  photoHeight: number;
  photoWidth: number;
  margin: number;
  size: number;
}

/**
 * Mean over poses of the warped crop. lin: the big region (size + 2·margin square, RGB
 * interleaved, linear light); output pixel (i, j) is photo pixel (top + m + i, left + m + j).
 * Pose k moves z (relative to the photo centre, x + iy) to e^{iθ}z + d, so its frame at y
 * shows the photo at e^{−iθ}(y − d); bilinear, clamped to the edge cells.
 */
export function warpAverage(lin: Float64Array, warp: Warp, place: WarpPlace): Float64Array {
  const { top, left, photoHeight, photoWidth, margin, size } = place;
  const side = size + 2 * margin;
  const [cy, cx] = [(photoHeight - 1) / 2, (photoWidth - 1) / 2];
  const out = new Float64Array(size * size * 3);
  const poses = warp.dx.length;
  for (let k = 0; k < poses; k++) {
    const [c, s] = [Math.cos(warp.theta[k]!), Math.sin(warp.theta[k]!)];
    for (let i = 0; i < size; i++) {
      const qy = i + top + margin - cy - warp.dy[k]!;
      for (let j = 0; j < size; j++) {
        const qx = j + left + margin - cx - warp.dx[k]!;
        const y = c * qy - s * qx + cy - top;
        const x = c * qx + s * qy + cx - left;
        const y0 = Math.min(Math.max(Math.floor(y), 0), side - 2);
        const x0 = Math.min(Math.max(Math.floor(x), 0), side - 2);
        const [fy, fx] = [y - y0, x - x0];
        const a = (y0 * side + x0) * 3;
        const b = a + side * 3;
        const o = (i * size + j) * 3;
        for (let ch = 0; ch < 3; ch++) {
          const t = lin[a + ch]! + (lin[a + 3 + ch]! - lin[a + ch]!) * fx;
          const u = lin[b + ch]! + (lin[b + 3 + ch]! - lin[b + ch]!) * fx;
          out[o + ch]! += t + (u - t) * fy;
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i]! /= poses;
  return out;
}
