import { describe, expect, it } from 'vitest';
import { minimumTileSize, planAxis, planTiles, reflectIndex, tileGeometry } from '../../../model/src/infer/tiler.js';

const g = tileGeometry({ tileSize: 32, margin: 2, sizeMultiple: 4 });

describe('tiler geometry', () => {
  it('rounds tiles to the size multiple and keeps room for margins and blending', () => {
    expect(g).toEqual({ tileSize: 32, margin: 2, blend: 8, sizeMultiple: 4 });
    // Two overlaps (2 × 16 + 8 each) plus one multiple: 88.
    expect(tileGeometry({ tileSize: 10, margin: 16, sizeMultiple: 8 }).tileSize).toBe(88);
  });

  it('raises a tiny tile to one that keeps about half its width, so a small --tile-size costs a few tiles, not thousands', () => {
    // The base model's geometry: margin 44, size multiple 4 (overlap 2 × 44 + 8 = 96).
    const [margin, sizeMultiple, overlap] = [44, 4, 96];
    expect(minimumTileSize(margin, sizeMultiple)).toBe(196);
    const tiny = tileGeometry({ tileSize: 16, margin, sizeMultiple });
    expect(tiny.tileSize).toBe(196);
    expect(tiny.tileSize - overlap).toBeGreaterThanOrEqual(tiny.tileSize / 2);
    // Each window adds at least tileSize − overlap = 100 new pixels per axis: ⌈(400 − 96) / 100⌉ × ⌈(300 − 96) / 100⌉ = 12.
    // The bare minimum of one overlap + one multiple (100 px, 4 new pixels a window) gave 3,876.
    const tiles = planTiles(400, 300, { x: 0, y: 0, width: 400, height: 300 }, tiny);
    expect(tiles.length).toBeLessThanOrEqual(Math.ceil((400 - overlap) / 100) * Math.ceil((300 - overlap) / 100));
    const networkPixels = tiles.reduce((n, t) => n + t.window.width * t.window.height, 0);
    expect(networkPixels / (400 * 300)).toBeLessThan(4);
  });

  it('covers the requested span with weights summing to exactly 1 and context >= margin', () => {
    for (const [length, from, to] of [[150, 0, 150], [150, 37, 90], [33, 0, 33], [500, 499, 500], [255, 0, 255], [257, 3, 254], [101, 0, 101]] as const) {
      const spans = planAxis(length, from, to, g);
      const total = new Float64Array(length);
      for (const s of spans) {
        expect(s.start).toBeGreaterThanOrEqual(0);
        expect(s.end).toBeLessThanOrEqual(length);
        if (s.validStart > 0) expect(s.validStart - s.start).toBeGreaterThanOrEqual(g.margin);
        if (s.validEnd < length) expect(s.end - s.validEnd).toBeGreaterThanOrEqual(g.margin);
        // On the whole image's sampling grid, and never over the tile size (odd lengths too).
        expect(s.start % g.sizeMultiple).toBe(0);
        expect(s.end - s.start).toBeLessThanOrEqual(g.tileSize);
        s.weights.forEach((w, k) => (total[s.validStart + k]! += w));
      }
      for (let i = from; i < to; i++) expect(total[i]).toBeCloseTo(1, 6);
    }
  });

  it('cross-fades neighbours smoothly over the overlap', () => {
    const [a, b] = planAxis(150, 0, 150, g);
    const overlapStart = b!.validStart;
    const wa = a!.weights.slice(overlapStart - a!.validStart);
    expect(wa.length).toBe(g.blend);
    for (let k = 1; k < wa.length; k++) expect(wa[k]).toBeLessThan(wa[k - 1]!);
  });

  it('uses the fewest windows, all shrunk to one size, instead of pushing the last one back', () => {
    const big = tileGeometry({ tileSize: 2048, margin: 46, sizeMultiple: 4 });
    expect(big.blend).toBe(8);
    const spans = planAxis(4000, 0, 4000, big);
    expect(spans.map((s) => s.end - s.start)).toEqual([1400, 1400, 1400]);
    expect(spans.at(-1)!.end).toBe(4000);
    // Neighbours still overlap by 2 × margin + blend at least.
    for (let i = 1; i < spans.length; i++) expect(spans[i - 1]!.end - spans[i]!.start).toBeGreaterThanOrEqual(2 * 46 + 8);
  });

  it('plans only the tiles a region needs', () => {
    const all = planTiles(150, 110, { x: 0, y: 0, width: 150, height: 110 }, g);
    const few = planTiles(150, 110, { x: 60, y: 40, width: 10, height: 10 }, g);
    expect(few.length).toBeLessThan(all.length);
    expect(few.length).toBeGreaterThan(0);
    for (const t of few) {
      expect(t.valid.x).toBeGreaterThanOrEqual(60);
      expect(t.valid.x + t.valid.width).toBeLessThanOrEqual(70);
    }
  });

  it('reflects indices like numpy reflect, for any size', () => {
    expect([-2, -1, 0, 3, 4, 5, 6].map((i) => reflectIndex(i, 4))).toEqual([2, 1, 0, 3, 2, 1, 0]);
    expect(reflectIndex(7, 1)).toBe(0);
    expect(reflectIndex(9, 2)).toBe(1);
  });
});
