import { describe, expect, it } from 'vitest';
import { untiledSize } from '../../../model/src/eval/bench-untiled.js';

describe('untiled network reference size', () => {
  it('matches the largest photo benched, 4:3, on the size multiple', () => {
    const { width, height } = untiledSize(4, 4, 64 * 1024 ** 3);
    expect(width % 4).toBe(0);
    expect(height % 4).toBe(0);
    expect(width * height).toBeGreaterThan(3.9e6);
    expect(width * height).toBeLessThan(4.1e6);
    expect(Math.abs(width / height - 4 / 3)).toBeLessThan(0.01);
  });

  it('never asks for more than half of free memory or more than 12 MP', () => {
    const free = 4 * 1024 ** 3;
    const small = untiledSize(100, 4, free);
    expect(small.width * small.height * 1100).toBeLessThanOrEqual(free * 0.5 * 1.01);
    const big = untiledSize(100, 4, 1024 ** 4);
    expect(big.width * big.height).toBeLessThan(12.1e6);
  });
});
