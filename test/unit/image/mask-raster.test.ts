import { describe, expect, it } from 'vitest';
import type { RegionMask } from '../../../electron/common/mask.js';
import { maskBounds, rasteriseMask, type FillRule } from '../../../model/src/image/mask-raster.js';

const W = 40;
const H = 30;
const mask = (shapes: RegionMask['shapes'], extra: Partial<RegionMask> = {}): RegionMask => ({ shapes, feather: 0, invert: false, ...extra });
const at = (m: Float32Array, x: number, y: number) => m[y * W + x]!;
const area = (m: Float32Array) => m.reduce((a, b) => a + b, 0);

describe('rasteriseMask', () => {
  it('rect covers exactly the pixels whose centres are inside', () => {
    const m = rasteriseMask(mask([{ kind: 'rect', x: 5, y: 4, width: 10, height: 6 }]), W, H);
    expect(area(m)).toBe(60);
    expect(maskBounds(m, W, H)).toEqual({ x: 5, y: 4, width: 10, height: 6 });
    // Half-pixel edges: centre 4.5 is outside [4.6, ...), centre 5.5 inside.
    const h = rasteriseMask(mask([{ kind: 'rect', x: 4.6, y: 0, width: 1, height: 1 }]), W, H);
    expect([at(h, 4, 0), at(h, 5, 0)]).toEqual([0, 1]);
  });

  it('ellipse area approximates π·rx·ry and is symmetric', () => {
    const m = rasteriseMask(mask([{ kind: 'ellipse', cx: 20, cy: 15, rx: 12, ry: 8 }]), W, H);
    expect(Math.abs(area(m) - Math.PI * 12 * 8) / (Math.PI * 12 * 8)).toBeLessThan(0.03);
    expect(at(m, 20, 15)).toBe(1);
    expect(at(m, 8, 15)).toBe(1);
    expect(at(m, 7, 15)).toBe(0);
    expect(at(m, 13, 10)).toBe(at(m, 26, 10));
    expect(at(m, 2, 2)).toBe(0);
  });

  it('polygon fills a triangle, clipped to the image', () => {
    const m = rasteriseMask(mask([{ kind: 'polygon', points: [[0, 0], [20, 0], [0, 20]] }]), W, H);
    expect(Math.abs(area(m) - 200)).toBeLessThan(12);
    expect(at(m, 1, 1)).toBe(1);
    expect(at(m, 15, 15)).toBe(0);
    const clipped = rasteriseMask(mask([{ kind: 'polygon', points: [[-10, -10], [100, -10], [100, 100], [-10, 100]] }]), W, H);
    expect(area(clipped)).toBe(W * H);
  });

  it('self-overlapping polygon: nonzero fills the doubly wound core, even-odd leaves it empty', () => {
    // A square traced twice in the same direction: winding number 2 everywhere inside.
    const loop: [number, number][] = [[10, 5], [30, 5], [30, 25], [10, 25]];
    const shapes: RegionMask['shapes'] = [{ kind: 'polygon', points: [...loop, ...loop] }];
    const fill = (fillRule: FillRule) => rasteriseMask(mask(shapes), W, H, { fillRule });
    expect(at(fill('nonzero'), 20, 15)).toBe(1);
    expect(at(fill('evenodd'), 20, 15)).toBe(0);
    expect(area(fill('nonzero'))).toBe(400);
  });

  it('brush strokes paint capsules and erase strokes remove them', () => {
    const stroke = rasteriseMask(mask([{ kind: 'brush', points: [[5, 15], [35, 15]], radius: 3, erase: false }]), W, H);
    expect(at(stroke, 20, 15)).toBe(1);
    expect(at(stroke, 20, 17)).toBe(1);
    expect(at(stroke, 20, 19)).toBe(0);
    expect(at(stroke, 2, 15)).toBe(1); // round cap
    expect(Math.abs(area(stroke) - (30 * 6 + Math.PI * 9)) / area(stroke)).toBeLessThan(0.08);
    const dot = rasteriseMask(mask([{ kind: 'brush', points: [[10, 10]], radius: 2, erase: false }]), W, H);
    expect(area(dot)).toBeGreaterThan(8);
    const erased = rasteriseMask(
      mask([
        { kind: 'rect', x: 0, y: 0, width: W, height: H },
        { kind: 'brush', points: [[20, 0], [20, 30]], radius: 2, erase: true },
      ]),
      W,
      H,
    );
    expect(at(erased, 20, 10)).toBe(0);
    expect(at(erased, 10, 10)).toBe(1);
  });

  it('feather makes a smooth, monotone edge and keeps the core at 1 and far pixels at 0', () => {
    const m = rasteriseMask(mask([{ kind: 'rect', x: 10, y: 0, width: 20, height: H }], { feather: 6 }), W, H);
    const row = Array.from({ length: W }, (_, x) => at(m, x, 15));
    expect(row[20]).toBe(1);
    expect(row[0]).toBe(0);
    expect(row[39]).toBe(0);
    for (let x = 1; x <= 20; x++) expect(row[x]).toBeGreaterThanOrEqual(row[x - 1]!);
    expect(row[10]).toBeGreaterThan(0.3);
    expect(row[10]).toBeLessThan(0.7);
    // Feathering moves weight across the edge without changing the total.
    expect(area(m)).toBeCloseTo(20 * H, 1);
  });

  it('invert selects the complement', () => {
    const shapes: RegionMask['shapes'] = [{ kind: 'ellipse', cx: 20, cy: 15, rx: 6, ry: 6 }];
    const m = rasteriseMask(mask(shapes), W, H);
    const inv = rasteriseMask(mask(shapes, { invert: true }), W, H);
    for (let i = 0; i < m.length; i++) expect(inv[i]).toBe(1 - m[i]!);
    expect(maskBounds(new Float32Array(W * H), W, H)).toBeNull();
  });
});
