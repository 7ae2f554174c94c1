import type { Rng } from '../random.js';

/**
 * Non-uniform draws from the trainer's seeded Rng (whose whole state is one integer, so a
 * checkpoint resumes the stream). Nothing is cached between calls for the same reason.
 */

/** Uniform in [low, high) of a spec range. */
export function uniformIn(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * rng.next();
}

/** Integer in [low, high] (both ends included, like numpy's integers(lo, hi + 1)). */
export function integerIn(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** `count` standard normal values (Box–Muller; both values of each pair are used). */
export function standardNormals(rng: Rng, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 - u is in (0, 1]: log is finite
    const theta = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

const LOGGAM_COEFFS = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4,
  -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
];

/** log Γ(x) for x ≥ 1 (Stirling series with upward shift, as NumPy's random_loggam). */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.trunc(7 - x) : 0;
  let x0 = x + n;
  const x2 = 1 / (x0 * x0);
  let gl0 = LOGGAM_COEFFS[9]!;
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + LOGGAM_COEFFS[k]!;
  let gl = gl0 / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

/**
 * Poisson(λ), exact. λ < 10: multiplication (Knuth) method. λ ≥ 10 — photon counts here reach
 * ~10^4 — the PTRS transformed-rejection sampler (Hörmann 1993, the one NumPy uses too):
 * about 1.1 pairs of uniforms per draw whatever λ is, where inversion would cost O(λ).
 */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let prod = rng.next();
    while (prod > limit) {
      k++;
      prod *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
  }
}
