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

  describe('feather ramp', () => {
    // A vertical edge at x = 20 (pixels 20.. selected), read along one row.
    const FW = 60;
    const ramp = (feather: number) => {
      const m = rasteriseMask(mask([{ kind: 'rect', x: 20, y: -5, width: 100, height: H + 10 }], { feather }), FW, H);
      return Array.from(m.subarray(15 * FW, 16 * FW));
    };
    const soft = (row: number[]) => row.flatMap((v, x) => (v > 0 && v < 1 ? [x] : []));
    // The fix's weight that reaches past the edge: E[max(0, X)] of the blur kernel, in pixels.
    const spill = (row: number[]) => row.slice(0, 20).reduce((a, b) => a + b, 0);

    it('reaches feather px either side of the edge: 1, 2, 4 and 8 px give ramps 2, 4, 8 and 16 px wide', () => {
      for (const feather of [1, 2, 4, 8]) {
        const row = ramp(feather);
        expect(soft(row), `feather ${feather}`).toEqual(Array.from({ length: 2 * feather }, (_, i) => 20 - feather + i));
        // Monotone, symmetric about the edge, exactly 0 and 1 beyond the ramp.
        for (let x = 1; x < FW; x++) expect(row[x]).toBeGreaterThanOrEqual(row[x - 1]!);
        for (let k = 0; k < feather; k++) expect(row[19 - k]! + row[20 + k]!).toBeCloseTo(1, 6);
        expect([row[19 - feather], row[20 + feather]]).toEqual([0, 1]);
      }
    });

    it('widens continuously with the feather, fractional feathers included', () => {
      const feathers = [0.1, 0.25, 0.5, 0.9, 1, 1.5, 2, 3, 4, 4.4, 4.6, 5, 7.4, 7.6, 8];
      const spills = feathers.map((f) => spill(ramp(f)));
      for (let i = 1; i < feathers.length; i++) expect(spills[i], `feather ${feathers[i]}`).toBeGreaterThan(spills[i - 1]! + 1e-3);
      // The reach is the feather rounded up: 4.4 and 4.6 both reach 5 px, with different weights.
      expect(soft(ramp(4.4))).toEqual(soft(ramp(4.6)));
      expect(soft(ramp(4.4))[0]).toBe(15);
    });

    it('a sub-pixel feather softens the two pixels at the edge by about f: the outer taps of a box of radius f', () => {
      for (const f of [0.1, 0.25, 0.5, 0.9]) {
        const row = ramp(f);
        expect(soft(row)).toEqual([19, 20]);
        expect(row[19]).toBeCloseTo(f / (1 + 2 * f), 6);
        expect(row[20]).toBeCloseTo((1 + f) / (1 + 2 * f), 6);
      }
      // Continuous at 0 and at 1 (where the next pixel starts to take weight).
      expect(ramp(1e-4)[19]).toBeLessThan(2e-4);
      expect(ramp(0.999)[19]).toBeCloseTo(ramp(1)[19]!, 3);
    });

    it('keeps the whole-pixel meaning for multiples of 3 (three box blurs of feather / 3)', () => {
      // Feather 6: three boxes of radius 2, as always; the ramp's outermost pixel takes (1/5)³.
      const row = ramp(6);
      expect(soft(row)).toEqual(Array.from({ length: 12 }, (_, i) => 14 + i));
      expect(row[14]).toBeCloseTo(1 / 125, 6);
    });

    it('inverting a feathered mask gives exactly 1 − m', () => {
      const shapes: RegionMask['shapes'] = [{ kind: 'ellipse', cx: 20, cy: 15, rx: 9, ry: 6 }];
      const m = rasteriseMask(mask(shapes, { feather: 2.5 }), W, H);
      const inv = rasteriseMask(mask(shapes, { feather: 2.5, invert: true }), W, H);
      for (let i = 0; i < m.length; i++) expect(inv[i]).toBe(Math.fround(1 - m[i]!));
      expect(m.some((v) => v > 0 && v < 1)).toBe(true);
    });
  });

  it('invert selects the complement', () => {
    const shapes: RegionMask['shapes'] = [{ kind: 'ellipse', cx: 20, cy: 15, rx: 6, ry: 6 }];
    const m = rasteriseMask(mask(shapes), W, H);
    const inv = rasteriseMask(mask(shapes, { invert: true }), W, H);
    for (let i = 0; i < m.length; i++) expect(inv[i]).toBe(1 - m[i]!);
    expect(maskBounds(new Float32Array(W * H), W, H)).toBeNull();
  });
});
