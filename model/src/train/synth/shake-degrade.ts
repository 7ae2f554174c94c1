import sharp from 'sharp';
import type { Rng } from '../random.js';
import { integerIn, poisson, standardNormals, uniformIn } from './random-variates.js';
import type { Shake } from './shake-kernel.js';
import type { Kernel } from './shake-trajectory.js';
import { warpAverage, type WarpPlace } from './shake-warp.js';
import type { SynthesisSpec } from './synthesis-spec.js';

/**
 * Blurs a sharp crop the way a shaking camera would (model/base/synth.py `degrade`):
 * u8 → linear light (photons add up there; the spec's colour.transfer says how: the sRGB EOTF,
 * or the stored values as they are) → highlights above the threshold boosted
 * (they were clipped by the camera) → 'valid' convolution with the kernel → Poisson–Gaussian
 * noise → clip → back through the transfer → round to u8 → optional JPEG round trip through sharp.
 */

export type Transfer = SynthesisSpec['colour']['transfer'];

/** sRGB EOTF per 8-bit code, as float32 (data.py SRGB_TO_LINEAR). */
export const SRGB_TO_LINEAR = Float32Array.from({ length: 256 }, (_, i) => {
  const v = Math.fround(i / 255);
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
});

/** Stored values taken as light (synth.py IDENTITY_TO_LINEAR, float32). */
const IDENTITY_TO_LINEAR = Float32Array.from({ length: 256 }, (_, i) => i / 255);

const decodeTable = (transfer: Transfer) => (transfer === 'srgb' ? SRGB_TO_LINEAR : IDENTITY_TO_LINEAR);

/** The random choices of one degradation; null turns a stage off (the golden tests do). */
export interface ShakeParams {
  saturationGain: number | null;
  poissonPeak: number | null;
  gaussianSigma: number;
  jpegQuality: number | null;
}

export function drawShakeParams(rng: Rng, spec: SynthesisSpec): ShakeParams {
  const { saturation, noise, jpeg } = spec;
  const saturationGain = rng.next() < saturation.probability ? uniformIn(rng, saturation.gain) : null;
  const poissonPeak = uniformIn(rng, noise.poissonPeak);
  const gaussianSigma = uniformIn(rng, noise.gaussianSigma);
  const jpegQuality = rng.next() < jpeg.probability ? integerIn(rng, jpeg.quality[0], jpeg.quality[1]) : null;
  return { saturationGain, poissonPeak, gaussianSigma, jpegQuality };
}

/** An interleaved RGB u8 image. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Linear-light 'valid' convolution of a u8 crop that is kernel−1 px larger than the result
 * (true convolution, as synth.py's FFT one). Direct, skipping zero taps: shake kernels are
 * thin curves, so a 54-px kernel has a few hundred taps, not 2916.
 */
/** u8 → linear light (per transfer) → highlights above the threshold times gain (synth.py boosted_linear). */
export function boostedLinear(data: Uint8Array, gain: number | null, threshold: number, transfer: Transfer): Float64Array {
  const table = decodeTable(transfer);
  const lin = Float64Array.from(data, (v) => table[v]!);
  if (gain !== null) for (let i = 0; i < lin.length; i++) if (lin[i]! > threshold) lin[i]! *= gain;
  return lin;
}

export function blurLinear(big: RgbImage, k: Kernel, gain: number | null, threshold: number, transfer: Transfer): { width: number; height: number; data: Float64Array } {
  const width = big.width - k.width + 1;
  const height = big.height - k.height + 1;
  if (width < 1 || height < 1) throw new RangeError(`crop ${big.width}×${big.height} is smaller than the ${k.width}×${k.height} kernel`);
  const lin = boostedLinear(big.data, gain, threshold, transfer);
  const out = new Float64Array(width * height * 3);
  const rowLength = width * 3;
  for (let a = 0; a < k.height; a++) {
    for (let b = 0; b < k.width; b++) {
      const w = k.data[a * k.width + b]!;
      if (w === 0) continue;
      // out(y, x) += k(a, b) · in(y + kh − 1 − a, x + kw − 1 − b)
      for (let y = 0; y < height; y++) {
        const src = ((y + k.height - 1 - a) * big.width + (k.width - 1 - b)) * 3;
        const dst = y * rowLength;
        for (let i = 0; i < rowLength; i++) out[dst + i]! += w * lin[src + i]!;
      }
    }
  }
  return { width, height, data: out };
}

/** In place: Poisson shot noise at `peak` photons for linear 1.0, plus Gaussian read noise. */
export function addSensorNoise(rng: Rng, lin: Float64Array, peak: number | null, sigma: number): void {
  if (peak !== null) for (let i = 0; i < lin.length; i++) lin[i] = poisson(rng, Math.max(0, lin[i]!) * peak) / peak;
  if (sigma > 0) {
    const normals = standardNormals(rng, lin.length);
    for (let i = 0; i < lin.length; i++) lin[i]! += sigma * normals[i]!;
  }
}

/** numpy.rint: halves to even. */
function rintHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** Clip to [0, 1] → sRGB OETF (float32, as data.py) → 8-bit codes rounded half to even. */
function linearToSrgbU8(lin: Float64Array): Uint8Array {
  const out = new Uint8Array(lin.length);
  for (let i = 0; i < lin.length; i++) {
    const x = Math.min(1, Math.max(0, lin[i]!));
    const s = Math.fround(x <= 0.0031308 ? x * 12.92 : 1.055 * x ** (1 / 2.4) - 0.055);
    out[i] = Math.min(255, Math.max(0, rintHalfEven(Math.fround(s * 255))));
  }
  return out;
}

/** Clip to [0, 1] → back through the transfer → 8-bit codes (synth.py encode_u8). */
export function encodeU8(lin: Float64Array, transfer: Transfer): Uint8Array {
  if (transfer === 'srgb') return linearToSrgbU8(lin);
  // float64 throughout, as numpy does for the identity path
  return Uint8Array.from(lin, (v) => rintHalfEven(Math.min(1, Math.max(0, v)) * 255));
}

/** Encode as JPEG at `quality` and decode again (the artefacts a camera or an editor adds). */
async function jpegRoundTrip(img: RgbImage, quality: number): Promise<Uint8Array> {
  const raw = { width: img.width, height: img.height, channels: 3 as const };
  const jpeg = await sharp(img.data, { raw }).jpeg({ quality }).toBuffer();
  const { data } = await sharp(jpeg).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

/**
 * The whole chain; random noise comes from `rng` after the params were drawn. A warp shake needs
 * `place` (where the big crop sits in its photo, shake-warp.ts).
 */
export async function degrade(rng: Rng, big: RgbImage, shake: Shake, params: ShakeParams, spec: Pick<SynthesisSpec, 'saturation' | 'colour'>, place?: WarpPlace): Promise<RgbImage> {
  const { transfer } = spec.colour;
  const { threshold } = spec.saturation;
  const blurred = shake.source === 'warp'
    ? { width: place!.size, height: place!.size, data: warpAverage(boostedLinear(big.data, params.saturationGain, threshold, transfer), shake.warp, place!) }
    : blurLinear(big, shake.kernel, params.saturationGain, threshold, transfer);
  addSensorNoise(rng, blurred.data, params.poissonPeak, params.gaussianSigma);
  const u8 = { width: blurred.width, height: blurred.height, data: encodeU8(blurred.data, transfer) };
  return params.jpegQuality === null ? u8 : { ...u8, data: await jpegRoundTrip(u8, params.jpegQuality) };
}
