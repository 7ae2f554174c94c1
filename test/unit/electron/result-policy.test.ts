import { describe, expect, it } from 'vitest';
import { resultsToRemove, type HeldResult, type ResultPolicy } from '../../../electron/main/services/result-policy.js';

const held = (jobId: string, imageId: string, bytes = 10): HeldResult => ({ jobId, imageId, bytes });
const policy = (over: Partial<ResultPolicy>): ResultPolicy => ({
  held: [],
  isOpen: () => true,
  pinned: new Set(),
  shownImageId: null,
  perPhoto: 2,
  budgetBytes: 1000,
  ...over,
});

describe('which deblur results main removes', () => {
  const a = [held('a1', 'a'), held('a2', 'a'), held('a3', 'a'), held('a4', 'a')];

  it('a photo keeps its two newest; older ones go, oldest first', () => {
    expect(resultsToRemove(policy({ held: a }))).toEqual(['a1', 'a2']);
  });

  it('keeps an older one on screen, or one a running re-run would bring back, or one being read', () => {
    expect(resultsToRemove(policy({ held: a, pinned: new Set(['a1']) }))).toEqual(['a2']);
  });

  it('removes every result of a photo the registry forgot, pinned or not', () => {
    const both = [held('a1', 'a'), held('b1', 'b'), held('b2', 'b')];
    expect(resultsToRemove(policy({ held: both, isOpen: (id) => id !== 'b', pinned: new Set(['b2']) }))).toEqual(['b1', 'b2']);
  });

  it('over the budget: other photos’ oldest first, never the photo on screen’s nor a pinned one', () => {
    const many = [held('b1', 'b', 400), held('c1', 'c', 400), held('a1', 'a', 400), held('d1', 'd', 400), held('a2', 'a', 400)];
    // 2000 bytes held, 1000 allowed: b1, c1 would do, but c1 is pinned (being saved), so d1 goes.
    expect(resultsToRemove(policy({ held: many, shownImageId: 'a', pinned: new Set(['c1']) }))).toEqual(['b1', 'd1']);
    // The photo on screen alone over the budget keeps its results.
    expect(resultsToRemove(policy({ held: many, shownImageId: 'a', budgetBytes: 1 }))).toEqual(['b1', 'c1', 'd1']);
  });
});
