import { describe, expect, it } from 'vitest';
import { MAX_BRUSH_RADIUS, regionMaskSchema, type RegionMask } from '../../../electron/common/mask.js';
import { rasteriseMask } from '../../../model/src/image/mask-raster.js';

/**
 * Brush strokes are filled row by row (an x-interval per capsule per row) instead of testing every
 * pixel of every capsule's box: the same pixels, bit for bit, at a cost that no longer grows with
 * points × radius².
 */

/** The per-pixel rule as first written: every pixel of each capsule's box, centre within radius. */
function referenceStroke(out: Float32Array, width: number, height: number, points: [number, number][], radius: number, value: number): void {
  const centreRange = (a: number, b: number, n: number) => [Math.max(0, Math.ceil(a - 0.5)), Math.min(n, Math.ceil(b - 0.5))] as const;
  const segments = points.length === 1 ? 1 : points.length - 1;
  for (let s = 0; s < segments; s++) {
    const [ax, ay] = points[s]!;
    const [bx, by] = points[Math.min(s + 1, points.length - 1)]!;
    const [dx, dy] = [bx - ax, by - ay];
    const len2 = dx * dx + dy * dy;
    const [x0, x1] = centreRange(Math.min(ax, bx) - radius, Math.max(ax, bx) + radius + 1e-9, width);
    const [y0, y1] = centreRange(Math.min(ay, by) - radius, Math.max(ay, by) + radius + 1e-9, height);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
        const [ex, ey] = [px - t * dx, py - t * dy];
        if (ex * ex + ey * ey <= radius * radius) out[y * width + x] = value;
      }
    }
  }
}

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('brush rasterisation', () => {
  it('fills exactly the pixels of the per-pixel rule on random strokes (whole, half and free coordinates, erasing, off the edges)', () => {
    const rnd = lcg(11);
    for (let trial = 0; trial < 600; trial++) {
      const [W, H] = [15 + Math.floor(rnd() * 60), 15 + Math.floor(rnd() * 60)];
      // Whole and half-pixel coordinates put pixel centres exactly on capsule edges.
      const step = [1, 0.5, 0][trial % 3]!;
      const snap = (v: number) => (step ? Math.round(v / step) * step : v);
      const shapes: RegionMask['shapes'] = rnd() < 0.3 ? [{ kind: 'rect', x: 0, y: 0, width: W, height: H }] : [];
      const expected = new Float32Array(W * H);
      if (shapes.length) expected.fill(1);
      for (let s = 0, n = 1 + Math.floor(rnd() * 3); s < n; s++) {
        const points = Array.from({ length: 1 + Math.floor(rnd() * 8) }, (): [number, number] => [snap(rnd() * (W + 20) - 10), snap(rnd() * (H + 20) - 10)]);
        const radius = step ? Math.max(step, snap(rnd() * 12)) : 0.05 + rnd() * 12;
        const erase = rnd() < 0.3;
        shapes.push({ kind: 'brush', points, radius, erase });
        referenceStroke(expected, W, H, points, radius, erase ? 0 : 1);
      }
      const got = rasteriseMask({ shapes, feather: 0, invert: false }, W, H);
      const first = got.findIndex((v, i) => v !== expected[i]);
      expect(first, `trial ${trial}: ${JSON.stringify(shapes)} differs at pixel ${first}`).toBe(-1);
    }
  });

  it('paints a wide, long stroke on a large photo in a fraction of the per-pixel cost', () => {
    // 3,000 points 0.7 px apart, radius 400, on 3,000 × 2,000: the per-pixel rule tests ~2e9 pixel
    // centres (about 10 s here); row filling computes 3,000 × 800 intervals.
    const [W, H, radius] = [3000, 2000, 400];
    const points = Array.from({ length: 3000 }, (_, i): [number, number] => [500 + 0.7 * i, 1000 + 300 * Math.sin(i / 300)]);
    const started = performance.now();
    const m = rasteriseMask({ shapes: [{ kind: 'brush', points, radius, erase: false }], feather: 0, invert: false }, W, H);
    expect(performance.now() - started).toBeLessThan(3000);
    // Sampled pixels agree with the per-pixel rule.
    const rnd = lcg(5);
    let selected = 0;
    for (let i = 0; i < 2000; i++) {
      const [x, y] = [Math.floor(rnd() * W), Math.floor(rnd() * H)];
      const one = new Float32Array(1);
      referenceStroke(one, 1, 1, points.map(([px, py]) => [px - x, py - y]), radius, 1);
      expect(m[y * W + x], `pixel ${x},${y}`).toBe(one[0]);
      selected += one[0]!;
    }
    expect(selected).toBeGreaterThan(300);
    expect(selected).toBeLessThan(1700);
  });

  it('refuses a brush radius above the cap with a clear message', () => {
    const brush = (radius: number) => regionMaskSchema.safeParse({ shapes: [{ kind: 'brush', points: [[10, 10]], radius }] });
    expect(brush(MAX_BRUSH_RADIUS).success).toBe(true);
    const refused = brush(MAX_BRUSH_RADIUS + 1);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe(`A brush radius must be at most ${MAX_BRUSH_RADIUS} px: select larger areas with a rectangle, ellipse or polygon.`);
  });
});
