import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from '../../../model/src/cli/args.js';

describe('command-line values', () => {
  it('keeps a negative number with the option before it, and leaves everything else alone', () => {
    expect(joinNegativeValues(['a.jpg', '--strength', '-0.5', '--feather', '-3'])).toEqual(['a.jpg', '--strength=-0.5', '--feather=-3']);
    // Short options, flags before a path that starts with "-", and "--" are not values to join.
    expect(joinNegativeValues(['-s', '0.5', '--invert', '-x', '--', '-1'])).toEqual(['-s', '0.5', '--invert', '-x', '--', '-1']);
  });

  it('keeps any dash value with an option that takes one (--suffix -fixed), but not an option after it', () => {
    const suffix = ['--suffix'];
    expect(joinNegativeValues(['a.jpg', '--suffix', '-fixed'], suffix)).toEqual(['a.jpg', '--suffix=-fixed']);
    // A short option or a long one stays an option: parseArgs then says the value is missing.
    expect(joinNegativeValues(['--suffix', '-o', 'x.jpg'], suffix)).toEqual(['--suffix', '-o', 'x.jpg']);
    expect(joinNegativeValues(['--suffix', '--json'], suffix)).toEqual(['--suffix', '--json']);
    // Other options keep the number-only rule.
    expect(joinNegativeValues(['--model', '-fixed'], suffix)).toEqual(['--model', '-fixed']);
  });
});
