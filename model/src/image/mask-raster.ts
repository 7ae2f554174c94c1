import type { MaskShape, RegionMask } from '../../../electron/common/mask.js';
import { UnshakeError } from '../errors.js';
import type { Rect } from '../infer/tiler.js';

/**
 * Turn the editor's selection into a per-pixel weight 0..1. Shapes are sampled at pixel
 * centres and applied in order (add, or remove for erasing brush strokes); the hard mask is then
 * feathered by three box-blur passes (≈ Gaussian) reaching `feather` px (rounded up) either side
 * of the edge, and optionally inverted.
 */
export type FillRule = 'nonzero' | 'evenodd';

export function rasteriseMask(
  mask: RegionMask,
  width: number,
  height: number,
  options: { fillRule?: FillRule } = {},
): Float32Array {
  const out = new Float32Array(width * height);
  for (const shape of mask.shapes) drawShape(out, width, height, shape, options.fillRule ?? 'nonzero');
  const feather = mask.feather ?? 0;
  if (feather > 0) featherMask(out, width, height, feather);
  if (mask.invert) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i]!;
  return out;
}

/** Bounding box of the pixels with weight > 0, or null when the mask selects nothing. */
export function maskBounds(mask: Float32Array, width: number, height: number): Rect | null {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    // From each end inwards: a row inside a large selection costs two reads, not `width`.
    const row = y * width;
    let l = 0;
    while (l < width && !(mask[row + l]! > 0)) l++;
    if (l === width) continue;
    let r = width - 1;
    while (!(mask[row + r]! > 0)) r--;
    [x0, x1, y1] = [Math.min(x0, l), Math.max(x1, r), y];
    if (y0 === height) y0 = y;
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Refuse a mask whose weights are all 0, naming the cause: the shapes miss the photo, select no
 * pixel centre, are all erased, cover the whole photo under invert, or a feather so wide for so
 * small a selection that every weight fades below the snap to 0.
 */
export function assertMaskSelectsPixels(mask: RegionMask, weights: Float32Array, width: number, height: number, options: { fillRule?: FillRule } = {}): void {
  if (weights.some((v) => v > 0)) return;
  const refuse = (why: string): never => {
    throw new UnshakeError('INVALID_REQUEST', `${why}: nothing would change.`);
  };
  const photo = `${width} × ${height} px`;
  const count = (m: Float32Array) => m.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  const selected = count(rasteriseMask({ ...mask, feather: 0, invert: false }, width, height, options));
  const feather = `The feather (${mask.feather} px) is too wide`;
  if (mask.invert) {
    if (selected === width * height) refuse(`The inverted selection covers nothing: the region covers the whole photo (${photo})`);
    refuse(`${feather} for so small an inverted selection (${width * height - selected} px outside the region): every weight fades to 0; use a smaller feather`);
  }
  if (selected > 0) refuse(`${feather} for so small a region (${selected} px): every weight fades to 0; use a smaller feather or a larger region`);
  const adds = mask.shapes.filter((s) => s.kind !== 'brush' || !s.erase);
  if (adds.length === 0) refuse('The selection has only erase strokes, which select nothing');
  if (!adds.some((s) => overlapsPhoto(s, width, height))) refuse(`The selected region lies outside the photo (${photo})`);
  if (count(rasteriseMask({ shapes: adds, feather: 0, invert: false }, width, height, options)) > 0) refuse('The erase strokes remove the whole selection');
  refuse('The selected region covers no whole pixel: a pixel is selected when its centre lies inside the region; make it larger');
}

/** Whether a shape's bounding box overlaps the photo's area. */
function overlapsPhoto(shape: MaskShape, width: number, height: number): boolean {
  const box = (x0: number, y0: number, x1: number, y1: number) => x0 < width && x1 > 0 && y0 < height && y1 > 0;
  switch (shape.kind) {
    case 'rect':
      return box(shape.x, shape.y, shape.x + shape.width, shape.y + shape.height);
    case 'ellipse':
      return box(shape.cx - shape.rx, shape.cy - shape.ry, shape.cx + shape.rx, shape.cy + shape.ry);
    default: {
      const r = shape.kind === 'brush' ? shape.radius : 0;
      const [[x0, x1], [y0, y1]] = [extent(shape.points, 0), extent(shape.points, 1)];
      return box(x0 - r, y0 - r, x1 + r, y1 + r);
    }
  }
}

/** [min, max] of one coordinate (a loop: 100 000 brush points would overflow Math.min(...)). */
function extent(points: readonly (readonly [number, number])[], axis: 0 | 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) [lo, hi] = [Math.min(lo, p[axis]), Math.max(hi, p[axis])];
  return [lo, hi];
}

/** Pixel indices whose centre (i + 0.5) lies in [a, b), clamped to [0, n). */
function centreRange(a: number, b: number, n: number): [number, number] {
  return [Math.max(0, Math.ceil(a - 0.5)), Math.min(n, Math.ceil(b - 0.5))];
}

function drawShape(out: Float32Array, width: number, height: number, shape: MaskShape, rule: FillRule): void {
  const span = (y: number, a: number, b: number, value: number) => {
    const [x0, x1] = centreRange(a, b, width);
    if (x1 > x0) out.fill(value, y * width + x0, y * width + x1);
  };
  switch (shape.kind) {
    case 'rect': {
      const [y0, y1] = centreRange(shape.y, shape.y + shape.height, height);
      for (let y = y0; y < y1; y++) span(y, shape.x, shape.x + shape.width, 1);
      return;
    }
    case 'ellipse': {
      const [y0, y1] = centreRange(shape.cy - shape.ry, shape.cy + shape.ry, height);
      for (let y = y0; y < y1; y++) {
        const dy = (y + 0.5 - shape.cy) / shape.ry;
        const half = shape.rx * Math.sqrt(Math.max(0, 1 - dy * dy));
        span(y, shape.cx - half, shape.cx + half, 1);
      }
      return;
    }
    case 'polygon':
      return fillPolygon(shape.points, height, rule, (y, a, b) => span(y, a, b, 1));
    case 'brush':
      return drawStroke(out, width, height, shape.points, shape.radius, shape.erase ? 0 : 1);
  }
}

/** Scanline fill at pixel-centre rows; crossings carry edge direction for the nonzero rule. */
function fillPolygon(
  points: readonly (readonly [number, number])[],
  height: number,
  rule: FillRule,
  span: (y: number, a: number, b: number) => void,
): void {
  const ys = points.map((p) => p[1]);
  const [y0, y1] = centreRange(Math.min(...ys), Math.max(...ys), height);
  for (let y = y0; y < y1; y++) {
    const yc = y + 0.5;
    const crossings: { x: number; dir: number }[] = [];
    points.forEach(([ax, ay], i) => {
      const [bx, by] = points[(i + 1) % points.length]!;
      if ((ay <= yc && by > yc) || (by <= yc && ay > yc)) {
        crossings.push({ x: ax + ((yc - ay) / (by - ay)) * (bx - ax), dir: by > ay ? 1 : -1 });
      }
    });
    crossings.sort((p, q) => p.x - q.x);
    let winding = 0;
    crossings.forEach((c, i) => {
      winding += rule === 'nonzero' ? c.dir : 1;
      const inside = rule === 'nonzero' ? winding !== 0 : winding % 2 === 1;
      const next = crossings[i + 1];
      if (inside && next) span(y, c.x, next.x);
    });
  }
}

/**
 * Capsules of `radius` around each segment (a disc for a single point), filled row by row: a
 * capsule is convex, so each row crosses it in one x-interval, found analytically and then
 * settled at its two ends with the per-pixel test, which keeps the pixel-centre rule exact. Each
 * row's interval is merged with the previous capsule's (neighbours overlap at their shared point),
 * so the cost is points × rows plus the painted area, not points × radius².
 */
function drawStroke(
  out: Float32Array,
  width: number,
  height: number,
  points: readonly (readonly [number, number])[],
  radius: number,
  value: number,
): void {
  const [top, bottom] = extent(points, 1);
  const [sy0, sy1] = centreRange(top - radius, bottom + radius + 1e-9, height);
  if (sy1 <= sy0) return;
  // One open run per row: [runL, runR] inclusive, empty while runL > runR.
  const runL = new Int32Array(sy1 - sy0).fill(1);
  const runR = new Int32Array(sy1 - sy0);
  const flush = (k: number) => {
    if (runL[k]! <= runR[k]!) out.fill(value, (sy0 + k) * width + runL[k]!, (sy0 + k) * width + runR[k]! + 1);
  };
  const segments = points.length === 1 ? 1 : points.length - 1;
  for (let s = 0; s < segments; s++) {
    const capsule = new Capsule(points[s]!, points[Math.min(s + 1, points.length - 1)]!, radius);
    const [x0, x1] = centreRange(capsule.minX, capsule.maxX + 1e-9, width);
    const [y0, y1] = centreRange(capsule.minY, capsule.maxY + 1e-9, height);
    for (let y = y0; y < y1; y++) {
      const k = y - sy0;
      // A wide brush soon paints whole rows: then the capsule's box is inside the run already.
      if (runL[k]! <= x0 && runR[k]! >= x1 - 1) continue;
      if (!capsule.rowPixels(y, x0, x1 - 1, runL[k]!, runR[k]!)) continue;
      const { first: l, last: r } = capsule;
      if (runL[k]! <= runR[k]! && l <= runR[k]! + 1 && r >= runL[k]! - 1) {
        runL[k] = Math.min(runL[k]!, l);
        runR[k] = Math.max(runR[k]!, r);
      } else {
        flush(k);
        runL[k] = l;
        runR[k] = r;
      }
    }
  }
  for (let k = 0; k < sy1 - sy0; k++) flush(k);
}

/** The points within `radius` of segment AB; rowPixels is allocation-free, it runs points × rows times. */
class Capsule {
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
  /** rowPixels' answer: the first and last covered pixel. */
  first = 0;
  last = -1;
  private readonly dx: number;
  private readonly dy: number;
  private readonly len: number;
  private readonly r2: number;

  constructor(
    private readonly a: readonly [number, number],
    private readonly b: readonly [number, number],
    private readonly radius: number,
  ) {
    [this.dx, this.dy] = [b[0] - a[0], b[1] - a[1]];
    this.len = Math.hypot(this.dx, this.dy);
    this.r2 = radius * radius;
    [this.minX, this.maxX] = [Math.min(a[0], b[0]) - radius, Math.max(a[0], b[0]) + radius];
    [this.minY, this.maxY] = [Math.min(a[1], b[1]) - radius, Math.max(a[1], b[1]) + radius];
  }

  /** Pixel centre (x + 0.5, y + 0.5) within the radius: the rule every brush pixel follows. */
  covers(x: number, y: number): boolean {
    const { dx, dy } = this;
    const len2 = dx * dx + dy * dy;
    const px = x + 0.5 - this.a[0];
    const py = y + 0.5 - this.a[1];
    const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
    const ex = px - t * dx;
    const ey = py - t * dy;
    return ex * ex + ey * ey <= this.r2;
  }

  /**
   * Sets first..last to the covered pixels of row y within [lo, hi]; false when there are none,
   * or when they clearly lie inside [doneL, doneR], pixels already covered (then no test is run).
   */
  rowPixels(y: number, lo: number, hi: number, doneL: number, doneR: number): boolean {
    const yc = y + 0.5;
    let from = Infinity;
    let to = -Infinity;
    // The two end discs' chords.
    const ha = this.r2 - (yc - this.a[1]) ** 2;
    if (ha >= 0) [from, to] = [this.a[0] - Math.sqrt(ha), this.a[0] + Math.sqrt(ha)];
    const hb = this.r2 - (yc - this.b[1]) ** 2;
    if (hb >= 0) [from, to] = [Math.min(from, this.b[0] - Math.sqrt(hb)), Math.max(to, this.b[0] + Math.sqrt(hb))];
    // The band between them: 0 ≤ along ≤ len and |across| ≤ r, both linear in u = x − ax.
    const { dx, dy, len } = this;
    if (len > 0) {
      const py = yc - this.a[1];
      let uLo = -Infinity;
      let uHi = Infinity;
      if (dx !== 0) [uLo, uHi] = order((0 - py * dy) / dx, (len * len - py * dy) / dx);
      else if (py * dy < 0 || py * dy > len * len) uHi = -Infinity;
      if (dy !== 0) {
        const [p, q] = order((dx * py - this.radius * len) / dy, (dx * py + this.radius * len) / dy);
        [uLo, uHi] = [Math.max(uLo, p), Math.min(uHi, q)];
      } else if (Math.abs(dx * py) > this.radius * len) uHi = -Infinity;
      if (uLo <= uHi) [from, to] = [Math.min(from, this.a[0] + uLo), Math.max(to, this.a[0] + uHi)];
    }
    // Rounding near a tangent row may differ from covers(): widen a hair and let covers() decide.
    const slack = 1e-6 * (this.radius + 1);
    let l = Math.max(lo, Math.ceil(from - slack - 0.5));
    let r = Math.min(hi, Math.floor(to + slack - 0.5));
    if (l > r || (l - 1 >= doneL && r + 1 <= doneR)) return false;
    while (l > lo && this.covers(l - 1, y)) l--;
    while (l <= r && !this.covers(l, y)) l++;
    while (r < hi && this.covers(r + 1, y)) r++;
    while (r >= l && !this.covers(r, y)) r--;
    [this.first, this.last] = [l, r];
    return l <= r;
  }
}

function order(p: number, q: number): [number, number] {
  return p <= q ? [p, q] : [q, p];
}

/**
 * Feather by three separable box blurs over the selection's bounds (+ reach), edge-clamped. The
 * radii sum to `feather` (one of them fractional: its outermost taps weigh the fraction), so the
 * ramp reaches ceil(feather) px either side of the edge and widens continuously with the feather.
 */
function featherMask(mask: Float32Array, width: number, height: number, feather: number): void {
  const bounds = maskBounds(mask, width, height);
  if (!bounds) return;
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
