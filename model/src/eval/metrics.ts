/**
 * Image quality metrics on float images. SSIM follows scikit-image's
 * `structural_similarity(..., gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=1)`: 11×11 Gaussian window, scipy "reflect" borders, mean over the map with the
 * 5-pixel border cropped, channels averaged (as with `channel_axis=-1`).
 */
const SIGMA = 1.5;
const RADIUS = 5; // skimage: int(truncate 3.5 × σ + 0.5)
const K1 = 0.01;
const K2 = 0.03;

/** Peak signal-to-noise ratio in dB; Infinity for identical inputs. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>, maxValue = 1): number {
  assertSameLength(a, b);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((maxValue * maxValue) / mse);
}

/** Mean SSIM of interleaved images with `channels` channels, averaged over channels. */
export function ssim(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  width: number,
  height: number,
  channels = 1,
  dataRange = 1,
): number {
  assertSameLength(a, b);
  if (a.length !== width * height * channels) throw new Error(`ssim: ${a.length} values for ${width}×${height}×${channels}`);
  if (width < 2 * RADIUS + 1 || height < 2 * RADIUS + 1) throw new Error('ssim: images must be at least 11×11');
  let total = 0;
  for (let c = 0; c < channels; c++) {
    const x = new Float64Array(width * height);
    const y = new Float64Array(width * height);
    for (let i = 0; i < x.length; i++) {
      x[i] = a[i * channels + c]!;
      y[i] = b[i * channels + c]!;
    }
    total += ssimPlane(x, y, width, height, dataRange);
  }
  return total / channels;
}

/** BT.601 luma (Y of YCbCr, the usual choice for deblurring benchmarks) of interleaved RGB. */
export function luminance(rgb: ArrayLike<number>): Float64Array {
  const y = new Float64Array(Math.floor(rgb.length / 3));
  for (let i = 0; i < y.length; i++) y[i] = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!;
  return y;
}

function ssimPlane(x: Float64Array, y: Float64Array, width: number, height: number, range: number): number {
  const n = x.length;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i]! * x[i]!;
    yy[i] = y[i]! * y[i]!;
    xy[i] = x[i]! * y[i]!;
  }
  const [ux, uy, uxx, uyy, uxy] = [x, y, xx, yy, xy].map((p) => gaussianFilter(p, width, height)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const c1 = (K1 * range) ** 2;
  const c2 = (K2 * range) ** 2;
  let sum = 0;
  for (let r = RADIUS; r < height - RADIUS; r++) {
    for (let col = RADIUS; col < width - RADIUS; col++) {
      const i = r * width + col;
      const mx = ux[i]!;
      const my = uy[i]!;
      const vx = uxx[i]! - mx * mx;
      const vy = uyy[i]! - my * my;
      const vxy = uxy[i]! - mx * my;
      sum += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
  }
  return sum / ((height - 2 * RADIUS) * (width - 2 * RADIUS));
}

const KERNEL = (() => {
  const k = Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA * SIGMA)));
  const s = k.reduce((p, q) => p + q, 0);
  return Float64Array.from(k, (v) => v / s);
})();

/** scipy.ndimage "reflect" (half-sample symmetric): d c b a | a b c d | d c b a. */
function symmetric(i: number, n: number): number {
  const period = 2 * n;
  const k = ((i % period) + period) % period;
  return k < n ? k : period - 1 - k;
}

/** Separable Gaussian; both passes walk memory row by row (the vertical one accumulates rows). */
function gaussianFilter(src: Float64Array, width: number, height: number): Float64Array {
  const taps = KERNEL.length;
  const tmp = new Float64Array(src.length);
  const padded = new Float64Array(width + 2 * RADIUS);
  for (let r = 0; r < height; r++) {
    const row = r * width;
    for (let i = 0; i < padded.length; i++) padded[i] = src[row + symmetric(i - RADIUS, width)]!;
    for (let c = 0; c < width; c++) {
      let s = 0;
      for (let k = 0; k < taps; k++) s += KERNEL[k]! * padded[c + k]!;
      tmp[row + c] = s;
    }
  }
  const out = new Float64Array(src.length);
  for (let r = 0; r < height; r++) {
    const dst = r * width;
    for (let k = 0; k < taps; k++) {
      const from = symmetric(r + k - RADIUS, height) * width;
      const w = KERNEL[k]!;
      for (let c = 0; c < width; c++) out[dst + c]! += w * tmp[from + c]!;
    }
  }
  return out;
}

function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length || a.length === 0) throw new Error(`metrics: arrays differ in length (${a.length} vs ${b.length}) or are empty`);
}
