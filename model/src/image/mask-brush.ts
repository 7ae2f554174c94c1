/**
 * Brush strokes for mask-raster.ts: capsules of a radius around each segment, painted with the
 * same pixel-centre rule as the other shapes. centreRange and extent are shared with it.
 */

/** [min, max] of one coordinate (a loop: 100 000 brush points would overflow Math.min(...)). */
export function extent(points: readonly (readonly [number, number])[], axis: 0 | 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) [lo, hi] = [Math.min(lo, p[axis]), Math.max(hi, p[axis])];
  return [lo, hi];
}

/** Pixel indices whose centre (i + 0.5) lies in [a, b), clamped to [0, n). */
export function centreRange(a: number, b: number, n: number): [number, number] {
  return [Math.max(0, Math.ceil(a - 0.5)), Math.min(n, Math.ceil(b - 0.5))];
}

/**
 * Capsules of `radius` around each segment (a disc for a single point), filled row by row: a
 * capsule is convex, so each row crosses it in one x-interval, found analytically and then
 * settled at its two ends with the per-pixel test, which keeps the pixel-centre rule exact. Each
 * row's interval is merged with the previous capsule's (neighbours overlap at their shared point),
 * so the cost is points × rows plus the painted area, not points × radius².
 */
export function drawStroke(
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
export class Capsule {
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
