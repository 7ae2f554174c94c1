import { describe, expect, it } from 'vitest';
import { Rng } from '../../../model/src/train/random.js';
import { addSensorNoise } from '../../../model/src/train/synth/shake-degrade.js';
import { integerIn, logGamma, poisson, standardNormals } from '../../../model/src/train/synth/random-variates.js';

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i]!;
    s2 += values[i]! ** 2;
  }
  const mean = s / values.length;
  return { mean, variance: s2 / values.length - mean ** 2 };
}

describe('random variates for sensor noise', () => {
  it('logGamma matches log((x-1)!) below and above the Stirling switch', () => {
    let logFactorial = 0;
    for (let k = 1; k <= 40; k++) {
      expect(logGamma(k)).toBeCloseTo(logFactorial, 9);
      logFactorial += Math.log(k);
    }
    expect(logGamma(0.5 + 7)).toBeCloseTo(Math.log(1871.2543057977884), 9); // Γ(7.5)
  });

  // Small λ uses the multiplication method, large λ the PTRS rejection sampler: both must be
  // Poisson (mean = variance = λ) and integers.
  it.each([0.3, 4, 9.9, 10, 37, 700, 12_000])('Poisson(%d) has mean and variance λ', (lambda) => {
    const rng = new Rng(17);
    const n = 40_000;
    const draws = Float64Array.from({ length: n }, () => poisson(rng, lambda));
    expect(draws.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
    const { mean, variance } = moments(draws);
    const se = Math.sqrt(lambda / n);
    expect(Math.abs(mean - lambda)).toBeLessThan(5 * se);
    expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.05);
  });

  it('Poisson(0) is 0 and normals are standard', () => {
    expect(poisson(new Rng(1), 0)).toBe(0);
    const { mean, variance } = moments(standardNormals(new Rng(2), 100_001));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    const rng = new Rng(3);
    const ints = Array.from({ length: 2000 }, () => integerIn(rng, 75, 95));
    expect([Math.min(...ints), Math.max(...ints)]).toEqual([75, 95]);
  });

  it('shot noise scales with the photon peak and keeps the mean', () => {
    for (const peak of [300, 3000]) {
      const lin = new Float64Array(50_000).fill(0.25);
      addSensorNoise(new Rng(peak), lin, peak, 0);
      const { mean, variance } = moments(lin);
      expect(Math.abs(mean - 0.25)).toBeLessThan(0.002);
      expect(variance / (0.25 / peak)).toBeCloseTo(1, 1); // Var(N/peak) = λ/peak² = v/peak
    }
    const flat = new Float64Array(10_000).fill(0.5);
    addSensorNoise(new Rng(4), flat, null, 0.008);
    expect(Math.sqrt(moments(flat).variance)).toBeCloseTo(0.008, 3);
  });
});
