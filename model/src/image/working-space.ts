import { evalCurve, invertCurve, parseGrayTrc, parseMatrixTrc, type MatrixTrcProfile, type ToneCurve } from './icc-matrix.js';
import { isConvertedOnDecode } from './decode.js';
import { iccDescription } from './icc.js';
import { invert3, multiply3 } from './matrix3.js';
import type { SourceMetadata } from './types.js';

/**
 * The network was trained on sRGB. A photo in another RGB space (Adobe RGB, Display P3,
 * ProPhoto) is converted to sRGB for the network and its output converted back, in float and
 * unclamped (out-of-gamut colours become sRGB values below 0 or above 1 and come back intact:
 * the network clamps its output to sRGB's range, so band-accumulator.ts adds the excess back),
 * so the file keeps its own space and profile and a pixel the network leaves alone comes back to
 * its own level. Only the pixels' *values* change space: sharp/lcms could convert whole integer
 * images only, clipping wide-gamut colours and shifting every pixel on the way back.
 *
 * Tone curves go through lookup tables (65,536 intervals, linearly interpolated; the inverse
 * curves, steep near black, are tabulated over √y): 16-bit levels of an Adobe RGB profile come
 * back within 1e-4 of themselves, the worst at black, where a power curve is infinitely steep
 * (working-space.test.ts); at 8 bits within 0.03 of a level.
 */
const LUT_INTERVALS = 65536;
/**
 * Tables cover [0, 2], not [0, 1]: white in a wide-gamut profile lands a hair above 1 in sRGB
 * (primaries are stored to 16 fractional bits) and network outputs overshoot a little; both
 * would otherwise leave the tables for the exact formulas. Widening them from [0, 1] (with a
 * column table in the tile reader, same change) cut a 12 MP Display P3 photo's JS time outside
 * the network from 7.1 to 5.5 s (measured).
 */
const TABLE_MAX = 2;
const SQRT_MAX = Math.SQRT2;

/** sRGB's primaries adapted to D50: the rXYZ/gXYZ/bXYZ of the ICC sRGB profile, row-major. */
const SRGB_TO_XYZ_D50 = [0.4360747, 0.3850649, 0.1430804, 0.2225045, 0.7168786, 0.0606169, 0.0139322, 0.0971045, 0.7141733];
const XYZ_D50_TO_SRGB = invertPrimaries(SRGB_TO_XYZ_D50);

const SRGB_CURVE: ToneCurve = { kind: 'para', type: 3, p: [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045] };
/** sRGB's curve both ways over [0, TABLE_MAX]: its linear toe keeps the inverse gentle near black. */
const SRGB_DECODE = tabulate((x) => evalCurve(SRGB_CURVE, x), TABLE_MAX);
const SRGB_ENCODE = tabulate((y) => invertCurve(SRGB_CURVE, y), TABLE_MAX);

export class WorkingSpace {
  /** Linear source RGB → linear sRGB, and back (row-major 3×3). */
  private readonly toSrgb: number[];
  private readonly fromSrgb: number[];
  private readonly decodeTables: Table[];
  /** Over √y: a pure power curve's inverse is steep near black. */
  private readonly encodeTables: Table[];
  private readonly levelTables = new Map<number, Float32Array[]>();

  constructor(
    private readonly profile: MatrixTrcProfile,
    readonly description: string,
    /** A GRAY profile: for 1- and 2-channel photos. */
    readonly gray = false,
  ) {
    this.toSrgb = multiply3(XYZ_D50_TO_SRGB, profile.toXyz);
    this.fromSrgb = invertPrimaries(this.toSrgb);
    this.decodeTables = profile.curves.map((c) => tabulate((x) => evalCurve(c, x), TABLE_MAX));
    this.encodeTables = profile.curves.map((c) => tabulate((t) => invertCurve(c, t * t), SQRT_MAX));
  }

  /** Linear light of every level 0..max of each channel (integer samples), cached per depth. */
  levels(max: number): Float32Array[] {
    let tables = this.levelTables.get(max);
    if (!tables) {
      tables = this.profile.curves.map((c) => Float32Array.from({ length: max + 1 }, (_, level) => evalCurve(c, level / max)));
      this.levelTables.set(max, tables);
    }
    return tables;
  }

  /** Source-encoded value (0..1, float samples) of channel c → linear light. */
  decode(c: number, x: number): number {
    const sign = x < 0 ? -1 : 1;
    const v = sign * x;
    return sign * (v <= TABLE_MAX ? lookup(this.decodeTables[c]!, v) : evalCurve(this.profile.curves[c]!, v));
  }

  /** Linear source RGB → sRGB-encoded values in `out`. */
  linearToSrgb(r: number, g: number, b: number, out: Float64Array): void {
    const m = this.toSrgb;
    out[0] = srgbEncode(m[0]! * r + m[1]! * g + m[2]! * b);
    out[1] = srgbEncode(m[3]! * r + m[4]! * g + m[5]! * b);
    out[2] = srgbEncode(m[6]! * r + m[7]! * g + m[8]! * b);
  }

  /** sRGB-encoded values → source-encoded values (0..1 when in gamut) in `out`. */
  srgbToSource(r: number, g: number, b: number, out: Float64Array): void {
    const m = this.fromSrgb;
    const lr = srgbDecode(r);
    const lg = srgbDecode(g);
    const lb = srgbDecode(b);
    out[0] = this.encode(0, m[0]! * lr + m[1]! * lg + m[2]! * lb);
    out[1] = this.encode(1, m[3]! * lr + m[4]! * lg + m[5]! * lb);
    out[2] = this.encode(2, m[6]! * lr + m[7]! * lg + m[8]! * lb);
  }

  // Not recursive (the mirror is a sign), so V8 can inline these per-pixel calls.
  private encode(c: number, y: number): number {
    const sign = y < 0 ? -1 : 1;
    const v = sign * y;
    return sign * (v <= TABLE_MAX ? lookup(this.encodeTables[c]!, Math.sqrt(v)) : invertCurve(this.profile.curves[c]!, v));
  }
}

/**
 * The conversion a decoded photo needs, or undefined when it is already sRGB: no profile (sRGB
 * assumed), an sRGB profile, a file decode converted to sRGB (CMYK, Lab), or a profile that does
 * not describe these pixels (an RGB profile on gray pixels, say). LUT-based profiles keep their
 * own values (docs/decisions.md).
 */
export function workingSpaceForSource(source: Pick<SourceMetadata, 'icc' | 'space'>, channels: number): WorkingSpace | undefined {
  if (isConvertedOnDecode(source.space)) return undefined;
  const space = workingSpaceFor(source.icc);
  return space && space.gray === channels <= 2 ? space : undefined;
}

/**
 * For RGB matrix/TRC and GRAY profiles. A gray photo is sRGB gray (R = G = B) to the network:
 * its curve is converted, its (neutral) primaries are sRGB's.
 */
export function workingSpaceFor(icc: Buffer | null): WorkingSpace | null {
  const grayCurve = parseGrayTrc(icc);
  const profile = grayCurve ? { toXyz: SRGB_TO_XYZ_D50, curves: [grayCurve, grayCurve, grayCurve] as MatrixTrcProfile['curves'] } : parseMatrixTrc(icc);
  if (!profile || isSrgb(profile)) return null;
  try {
    return new WorkingSpace(profile, iccDescription(icc) ?? 'embedded profile', grayCurve !== null);
  } catch {
    return null; // degenerate primaries: the values are used as they are
  }
}

/** Within 2e-3 of sRGB's primaries and curve: no conversion (the round trip would only add noise). */
function isSrgb(profile: MatrixTrcProfile): boolean {
  const m = multiply3(XYZ_D50_TO_SRGB, profile.toXyz);
  if (m.some((v, i) => Math.abs(v - (i % 4 === 0 ? 1 : 0)) > 2e-3)) return false;
  return profile.curves.every((c) => Array.from({ length: 33 }, (_, i) => i / 32).every((x) => Math.abs(evalCurve(c, x) - evalCurve(SRGB_CURVE, x)) < 2e-3));
}

// Out-of-gamut values (below 0, mirrored; above 1, analytic) are common in wide-gamut photos:
// the mirror keeps them on the tables.
function srgbEncode(y: number): number {
  const sign = y < 0 ? -1 : 1;
  const v = sign * y;
  return sign * (v <= TABLE_MAX ? lookup(SRGB_ENCODE, v) : invertCurve(SRGB_CURVE, v));
}

function srgbDecode(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const v = sign * x;
  return sign * (v <= TABLE_MAX ? lookup(SRGB_DECODE, v) : evalCurve(SRGB_CURVE, v));
}

/** f sampled at LUT_INTERVALS + 1 points over [0, max]; `scale` maps an input to its position. */
interface Table {
  values: Float64Array;
  scale: number;
}

function tabulate(f: (x: number) => number, max: number): Table {
  return { values: Float64Array.from({ length: LUT_INTERVALS + 1 }, (_, i) => f((i / LUT_INTERVALS) * max)), scale: LUT_INTERVALS / max };
}

/** Linear interpolation; x must lie in the table's range (per pixel: no division, no Math.floor). */
function lookup(table: Table, x: number): number {
  const pos = x * table.scale;
  const i = pos < LUT_INTERVALS ? pos | 0 : LUT_INTERVALS - 1;
  const v = table.values;
  return v[i]! + (pos - i) * (v[i + 1]! - v[i]!);
}

/** A profile whose primaries give no inverse cannot be converted from. */
function invertPrimaries(m: number[]): number[] {
  const inverse = invert3(m);
  if (!inverse) throw new RangeError('the profile primaries are degenerate (singular matrix)');
  return inverse;
}
