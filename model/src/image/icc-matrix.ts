import { iccColourSpace, iccTags, type IccTag } from './icc.js';

/**
 * Matrix/TRC RGB profiles (ICC.1:2010 §8.3.3): three XYZ primaries and one tone curve per
 * channel. This is how Adobe RGB, Display P3, ProPhoto and the sRGB profiles of cameras and
 * editors are written; the engine uses it to run the network in sRGB (working-space.ts).
 * Profiles that need a LUT (A2B0) to be read correctly return null.
 */
export type ToneCurve =
  | { kind: 'gamma'; gamma: number }
  /** Samples of the curve at evenly spaced inputs over [0, 1]. */
  | { kind: 'table'; table: Float64Array }
  /** parametricCurveType (§10.18): function type 0–4 and its parameters g, a, b, c, d, e, f. */
  | { kind: 'para'; type: number; p: number[] };

export interface MatrixTrcProfile {
  /** Linear device RGB → PCS XYZ (D50), row-major 3×3: its columns are rXYZ, gXYZ, bXYZ. */
  toXyz: number[];
  curves: [ToneCurve, ToneCurve, ToneCurve];
}

const PARA_PARAMETERS = [1, 3, 4, 5, 7];

export function parseMatrixTrc(icc: Buffer | null): MatrixTrcProfile | null {
  if (!icc || iccColourSpace(icc) !== 'RGB' || icc.toString('latin1', 20, 24) !== 'XYZ ') return null;
  const tags = iccTags(icc);
  // A CMM prefers A2B0 where a profile has one; a matrix beside it is only an approximation.
  if (tags.has('A2B0')) return null;
  const primaries = ['rXYZ', 'gXYZ', 'bXYZ'].map((sig) => readXyz(icc, tags.get(sig)));
  const curves = ['rTRC', 'gTRC', 'bTRC'].map((sig) => readCurve(icc, tags.get(sig)));
  if (primaries.some((p) => !p) || curves.some((c) => !c)) return null;
  const [r, g, b] = primaries as [number[], number[], number[]];
  return { toXyz: [r[0]!, g[0]!, b[0]!, r[1]!, g[1]!, b[1]!, r[2]!, g[2]!, b[2]!], curves: curves as MatrixTrcProfile['curves'] };
}

/** The gray tone curve (kTRC) of a GRAY profile (ICC.1:2010 §8.3.4), or null. */
export function parseGrayTrc(icc: Buffer | null): ToneCurve | null {
  if (!icc || iccColourSpace(icc) !== 'GRAY') return null;
  const tags = iccTags(icc);
  if (tags.has('A2B0')) return null;
  return readCurve(icc, tags.get('kTRC'));
}

/** Encoded device value → linear light. Below 0 the curve is mirrored so out-of-range values survive. */
export function evalCurve(curve: ToneCurve, x: number): number {
  if (x < 0) return -evalCurve(curve, -x);
  switch (curve.kind) {
    case 'gamma':
      return x ** curve.gamma;
    case 'table': {
      const t = curve.table;
      const pos = Math.min(x, 1) * (t.length - 1);
      const i = Math.min(Math.floor(pos), t.length - 2);
      return t[i]! + (pos - i) * (t[i + 1]! - t[i]!);
    }
    case 'para':
      return evalParametric(curve.type, curve.p, x);
  }
}

// Parameters by index (g, a, b, c, d, e, f), no destructuring: these run per pixel for
// out-of-range values.
function evalParametric(type: number, p: number[], x: number): number {
  const g = p[0]!;
  if (type === 0) return x ** g;
  const a = p[1]!;
  const b = p[2]!;
  if (type === 1) return x >= -b / a ? (a * x + b) ** g : 0;
  if (type === 2) return x >= -b / a ? (a * x + b) ** g + p[3]! : p[3]!;
  const c = p[3]!;
  const d = p[4]!;
  if (type === 3) return x >= d ? (a * x + b) ** g : c * x;
  return x >= d ? (a * x + b) ** g + p[5]! : c * x + p[6]!;
}

/** Linear light → encoded device value: exact for gamma and parametric curves, by bisection for tables. */
export function invertCurve(curve: ToneCurve, y: number): number {
  if (y < 0) return -invertCurve(curve, -y);
  if (curve.kind === 'gamma') return y ** (1 / curve.gamma);
  if (curve.kind === 'para') return invertParametric(curve.type, curve.p, y);
  if (y >= evalCurve(curve, 1)) return 1; // a table ends at 1: clamp
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 48; i++) {
    const mid = (lo + hi) / 2;
    if (evalCurve(curve, mid) < y) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function invertParametric(type: number, p: number[], y: number): number {
  const g = p[0]!;
  if (type === 0) return y ** (1 / g);
  const a = p[1]!;
  const b = p[2]!;
  const c = p[3] ?? 0;
  const d = p[4] ?? 0;
  // The power segment's input, and the linear segment below the break point (types 3 and 4).
  let v = y;
  if (type === 2) v = y - c;
  else if (type === 3 && y < c * d) return y / c;
  else if (type === 4) {
    if (y < c * d + p[6]!) return (y - p[6]!) / c;
    v = y - p[5]!;
  }
  return ((v > 0 ? v : 0) ** (1 / g) - b) / a;
}

function readXyz(icc: Buffer, tag: IccTag | undefined): number[] | null {
  if (!tag || tag.size < 20 || icc.toString('latin1', tag.offset, tag.offset + 4) !== 'XYZ ') return null;
  return [0, 1, 2].map((k) => icc.readInt32BE(tag.offset + 8 + 4 * k) / 65536);
}

function readCurve(icc: Buffer, tag: IccTag | undefined): ToneCurve | null {
  if (!tag || tag.size < 12) return null;
  const type = icc.toString('latin1', tag.offset, tag.offset + 4);
  if (type === 'curv') {
    const count = icc.readUInt32BE(tag.offset + 8);
    if (tag.size < 12 + 2 * count) return null;
    if (count === 0) return { kind: 'gamma', gamma: 1 };
    if (count === 1) return { kind: 'gamma', gamma: icc.readUInt16BE(tag.offset + 12) / 256 };
    const table = new Float64Array(count);
    for (let i = 0; i < count; i++) table[i] = icc.readUInt16BE(tag.offset + 12 + 2 * i) / 65535;
    return { kind: 'table', table };
  }
  if (type === 'para') {
    const fn = icc.readUInt16BE(tag.offset + 8);
    const n = PARA_PARAMETERS[fn];
    if (n === undefined || tag.size < 12 + 4 * n) return null;
    const p = Array.from({ length: n }, (_, k) => icc.readInt32BE(tag.offset + 12 + 4 * k) / 65536);
    return { kind: 'para', type: fn, p };
  }
  return null;
}
