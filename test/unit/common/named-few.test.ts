import { describe, expect, it } from 'vitest';
import { namedFew } from '../../../electron/common/named-few.js';

describe('namedFew', () => {
  it('names the first few, then how many more', () => {
    expect(namedFew(['a', 'b'], 3)).toBe('a, b');
    expect(namedFew(['a', 'b', 'c'], 3)).toBe('a, b, c');
    expect(namedFew(['a', 'b', 'c', 'd', 'e'], 3)).toBe('a, b, c and 2 more');
    expect(namedFew(['a', 'b', 'c', 'd'], 2, { beforeMore: ', ' })).toBe('a, b, 2 more');
    expect(namedFew(['a: x, y', 'b: z', 'c'], 2, { separator: '; ', beforeMore: '; and ' })).toBe('a: x, y; b: z; and 1 more');
    // Only the first few at hand, and how many there are in all.
    expect(namedFew(['a', 'b'], 2, { separator: '; ', beforeMore: '; and ', total: 7 })).toBe('a; b; and 5 more');
    expect(namedFew([], 3)).toBe('');
  });
});
