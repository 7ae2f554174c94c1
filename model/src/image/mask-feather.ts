import type { Rect } from '../infer/tiler.js';

/**
 * Feather by three separable box blurs over the selection's bounds (+ reach), edge-clamped. The
 * radii sum to `feather` (one of them fractional: its outermost taps weigh the fraction), so the
 * ramp reaches ceil(feather) px either side of the edge and widens continuously with the feather.
 * `bounds`: the pixels with weight > 0 (maskBounds), which the caller has already found.
 */
export function featherMask(mask: Float32Array, width: number, height: number, feather: number, bounds: Rect): void {
  const grow = Math.ceil(feather) + 1;
  const x0 = Math.max(0, bounds.x - grow);
  const y0 = Math.max(0, bounds.y - grow);
  const x1 = Math.min(width, bounds.x + bounds.width + grow);
  const y1 = Math.min(height, bounds.y + bounds.height + grow);
  const line = new LineBlur(Math.max(x1 - x0, y1 - y0), boxRadii(feather));
  for (let y = y0; y < y1; y++) line.run(mask, y * width + x0, 1, x1 - x0);
  line.runColumns(mask, width, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
}

/**
 * Three radii summing to `feather`: its whole pixels shared out as evenly as possible, the
 * fraction added to the smallest. Continuous: as the fraction reaches 1 the radii become those
 * of the next whole feather (3 → 1, 1, 1 as before; 4 → 1, 1, 2).
 */
export function boxRadii(feather: number): [number, number, number] {
  const n = Math.floor(feather);
  return [Math.floor(n / 3) + (feather - n), Math.floor((n + 1) / 3), Math.floor((n + 2) / 3)];
}

/**
 * The three blurs of one row or column, in double precision between two padded buffers. Only
 * windows around changes of value are blurred: a run constant for `reach` px either side of a
 * sample leaves it as it is, so the cost follows the selection's edges, not the photo's area.
 * Changes further apart than 4 reaches get separate windows that neither read nor write each other's.
 */
class LineBlur {
  private readonly pad: number;
  /** How far the three blurs together carry a value: ceil(feather). */
  private readonly reach: number;
  private a: Float64Array;
  private b: Float64Array;

  constructor(
    maxLength: number,
    private readonly radii: readonly number[],
  ) {
    this.pad = Math.floor(Math.max(...radii)) + 1;
    this.reach = radii.reduce((sum, r) => sum + Math.ceil(r), 0);
    this.a = new Float64Array(maxLength + 2 * this.pad);
    this.b = new Float64Array(maxLength + 2 * this.pad);
  }

  /** Blur the n samples at data[offset + i·stride] in place. */
  run(data: Float32Array, offset: number, stride: number, n: number): void {
    let from = -1;
    let last = -1;
    for (let i = 0, at = offset; i + 1 < n; i++, at += stride) {
      if (data[at] === data[at + stride]) continue;
      if (from >= 0 && i - last > 4 * this.reach) this.window(data, offset, stride, n, from, last);
      if (from < 0 || i - last > 4 * this.reach) from = i;
      last = i + 1;
    }
    if (from >= 0) this.window(data, offset, stride, n, from, last);
  }

  /** The same for every column of `rect`, looking for changes row by row (in memory order). */
  runColumns(data: Float32Array, width: number, rect: Rect): void {
    const from = new Int32Array(rect.width).fill(-1);
    const last = new Int32Array(rect.width);
    const column = (c: number) => this.window(data, rect.y * width + rect.x + c, width, rect.height, from[c]!, last[c]!);
    for (let i = 0; i + 1 < rect.height; i++) {
      const row = (rect.y + i) * width + rect.x;
      for (let c = 0; c < rect.width; c++) {
        if (data[row + c] === data[row + width + c]) continue;
        if (from[c]! >= 0 && i - last[c]! > 4 * this.reach) column(c);
        if (from[c]! < 0 || i - last[c]! > 4 * this.reach) from[c] = i;
        last[c] = i + 1;
      }
    }
    for (let c = 0; c < rect.width; c++) if (from[c]! >= 0) column(c);
  }

  /** Blur [from − 2·reach, last + 2·reach]: beyond it the line is constant, so edge clamping is exact. */
  private window(data: Float32Array, offset: number, stride: number, n: number, from: number, last: number): void {
    const p = this.pad;
    const lo = Math.max(0, from - 2 * this.reach);
    const len = Math.min(n, last + 2 * this.reach + 1) - lo;
    for (let k = 0, at = offset + lo * stride; k < len; k++, at += stride) this.a[p + k] = data[at]!;
    for (const radius of this.radii) {
      if (radius === 0) continue;
      this.a.fill(this.a[p]!, 0, p);
      this.a.fill(this.a[p + len - 1]!, p + len, p + len + p);
      boxPass(this.a, this.b, p, len, radius);
      [this.a, this.b] = [this.b, this.a];
    }
    // Running sums leave ~1e-8 residue; snap it so "outside" is exactly 0 and "inside" exactly 1.
    for (let k = 0, at = offset + lo * stride; k < len; k++, at += stride) {
      const v = this.a[p + k]!;
      data[at] = v < 1e-6 ? 0 : v > 1 - 1e-6 ? 1 : v;
    }
  }
}

/** dst[i] = (Σ|k|≤r src[i+k] + f·(src[i−r−1] + src[i+r+1])) / (2r + 1 + 2f), radius = r + f. */
function boxPass(src: Float64Array, dst: Float64Array, p: number, n: number, radius: number): void {
  const r = Math.floor(radius);
  const f = radius - r;
  const norm = 1 / (2 * radius + 1);
  let sum = 0;
  for (let k = -r; k <= r; k++) sum += src[p + k]!;
  for (let i = p; i < p + n; i++) {
    dst[i] = (sum + f * (src[i - r - 1]! + src[i + r + 1]!)) * norm;
    sum += src[i + r + 1]! - src[i - r]!;
  }
}
