import { describe, expect, it } from 'vitest';
import type { RegionMask } from '../../../electron/common/mask.js';
import { assertMaskSelectsPixels, rasteriseMask } from '../../../model/src/image/mask-raster.js';

/** A selection whose weights are all 0 is refused with its real cause, not always "outside the photo". */
const W = 40;
const H = 30;
const mask = (shapes: RegionMask['shapes'], extra: Partial<RegionMask> = {}): RegionMask => ({ shapes, feather: 0, invert: false, ...extra });
const check = (m: RegionMask) => () => assertMaskSelectsPixels(m, rasteriseMask(m, W, H), W, H);
const refusal = (message: RegExp) => expect.objectContaining({ code: 'INVALID_REQUEST', message: expect.stringMatching(message) });
const wholePhoto: RegionMask['shapes'][number] = { kind: 'rect', x: -5, y: -5, width: W + 10, height: H + 10 };

describe('assertMaskSelectsPixels', () => {
  it('accepts any selection with a weight that can change a level, feathered or inverted', () => {
    expect(check(mask([{ kind: 'rect', x: 5, y: 5, width: 1, height: 1 }]))).not.toThrow();
    expect(check(mask([{ kind: 'rect', x: 5, y: 5, width: 1, height: 1 }], { feather: 4 }))).not.toThrow();
    expect(check(mask([{ kind: 'rect', x: 5, y: 5, width: 10, height: 10 }], { feather: 20 }))).not.toThrow();
    expect(check(mask([{ kind: 'rect', x: 0, y: 0, width: W - 1, height: H }], { invert: true }))).not.toThrow();
  });

  it('a region beyond the photo: it lies outside the photo', () => {
    expect(check(mask([{ kind: 'rect', x: W, y: 0, width: 10, height: 10 }]))).toThrow(refusal(/^The selected region lies outside the photo \(40 × 30 px\): nothing would change\.$/));
    expect(check(mask([{ kind: 'brush', points: [[-20, -20], [-20, 50]], radius: 5, erase: false }]))).toThrow(refusal(/lies outside the photo/));
  });

  it('a region inside the photo between pixel centres: it covers no whole pixel', () => {
    // x 10.6..11.1 holds no centre (10.5 and 11.5 are both outside).
    expect(check(mask([{ kind: 'rect', x: 10.6, y: 10.6, width: 0.5, height: 0.5 }]))).toThrow(refusal(/^The selected region covers no whole pixel: a pixel is selected when its centre lies inside the region; make it larger: nothing would change\.$/));
    expect(check(mask([{ kind: 'brush', points: [[10, 10]], radius: 0.2, erase: false }]))).toThrow(refusal(/covers no whole pixel/));
  });

  it('an inverted region that covers the whole photo: the inverted selection covers nothing', () => {
    expect(check(mask([wholePhoto], { invert: true }))).toThrow(refusal(/^The inverted selection covers nothing: the region covers the whole photo \(40 × 30 px\)/));
    expect(check(mask([wholePhoto], { invert: true, feather: 30 }))).toThrow(refusal(/inverted selection covers nothing/));
  });

  it('a feather so wide every weight of a small selection fades below a level: the feather is too wide', () => {
    const fades = 'it spreads the selection so thin that no pixel would change by a visible step';
    expect(check(mask([{ kind: 'rect', x: 20, y: 15, width: 1, height: 1 }], { feather: 2000 }))).toThrow(
      refusal(new RegExp(`^The feather \\(2000 px\\) is too wide for so small a region \\(1 px\\): ${fades}; use a smaller feather or a larger region`)),
    );
    // Weights above 0 but all below 1/256 (a 10 px square feathered 600 px on a 1200 × 900 photo):
    // the network would run and change nothing.
    const thin = mask([{ kind: 'rect', x: 600, y: 450, width: 10, height: 10 }], { feather: 600 });
    const weights = rasteriseMask(thin, 1200, 900);
    expect(weights.some((v) => v > 0)).toBe(true);
    expect(() => assertMaskSelectsPixels(thin, weights, 1200, 900)).toThrow(refusal(/^The feather \(600 px\) is too wide for so small a region \(100 px\)/));
    // Inverted: everything but one pixel is in the region, and that pixel's weight fades away.
    const allButOne = mask([wholePhoto, { kind: 'brush', points: [[20.5, 15.5]], radius: 0.5, erase: true }], { invert: true, feather: 2000 });
    expect(check(allButOne)).toThrow(refusal(/^The feather \(2000 px\) is too wide for so small an inverted selection \(1 px outside the region\)/));
  });

  it('erase strokes that remove everything, or a selection of erase strokes only, say so', () => {
    const erased = mask([{ kind: 'rect', x: 5, y: 5, width: 4, height: 4 }, { kind: 'brush', points: [[7, 7]], radius: 5, erase: true }]);
    expect(check(erased)).toThrow(refusal(/^The erase strokes remove the whole selection/));
    expect(check(mask([{ kind: 'brush', points: [[7, 7]], radius: 5, erase: true }]))).toThrow(refusal(/^The selection has only erase strokes/));
  });
});
