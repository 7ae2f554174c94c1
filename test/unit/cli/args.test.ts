import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from '../../../model/src/cli/args.js';

describe('command-line values', () => {
  it('keeps a negative number with the option before it, and leaves everything else alone', () => {
    expect(joinNegativeValues(['a.jpg', '--strength', '-0.5', '--feather', '-3'])).toEqual(['a.jpg', '--strength=-0.5', '--feather=-3']);
    // Short options, flags before a path that starts with "-", and "--" are not values to join.
    expect(joinNegativeValues(['-s', '0.5', '--invert', '-x', '--', '-1'])).toEqual(['-s', '0.5', '--invert', '-x', '--', '-1']);
  });
});
