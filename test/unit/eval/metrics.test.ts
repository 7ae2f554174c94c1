import { describe, expect, it } from 'vitest';
import { luminance, psnr, ssim } from '../../../model/src/eval/metrics.js';

const W = 40;
const H = 32;

/** Deterministic fixture pair (same formulas as the scipy reference below). */
function fixture(): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(W * H * 3);
  const b = new Float64Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        a[i] = 0.5 + 0.4 * Math.sin(0.3 * x + 0.2 * y + c);
        b[i] = Math.min(1, Math.max(0, a[i]! + 0.1 * Math.sin(1.7 * x * y * 0.01 + c * 0.5 + x * 0.9)));
      }
    }
  }
  return { a, b };
}

describe('psnr', () => {
  it('is infinite for identical images and exact for a constant offset', () => {
    const img = Float32Array.from({ length: 300 }, (_, i) => (i % 17) / 17);
    expect(psnr(img, img)).toBe(Infinity);
    const shifted = img.map((v) => v + 0.1);
    expect(psnr(img, shifted, 1)).toBeCloseTo(20, 4);
    expect(psnr([0, 0, 0, 0], [25.5, 25.5, 25.5, 25.5], 255)).toBeCloseTo(20, 10);
  });

  it('refuses arrays of different length', () => {
    expect(() => psnr([1, 2], [1])).toThrow(/length/);
  });
});

describe('ssim', () => {
  it('is 1 for identical images and drops for a different one', () => {
    const { a, b } = fixture();
    expect(ssim(a, a, W, H, 3)).toBeCloseTo(1, 12);
    expect(ssim(a, b, W, H, 3)).toBeLessThan(0.9);
  });

  it('matches scikit-image defaults (gaussian_weights, σ=1.5, data_range=1) on RGB and luminance', () => {
    // Reference: skimage.metrics.structural_similarity's algorithm reproduced with
    // scipy.ndimage.gaussian_filter(sigma=1.5, truncate=3.5, mode='reflect') on the same fixture.
    const { a, b } = fixture();
    expect(ssim(a, b, W, H, 3)).toBeCloseTo(0.8530826396101334, 9);
    expect(ssim(luminance(a), luminance(b), W, H, 1)).toBeCloseTo(0.8231237156420897, 9);
    expect(psnr(a, b)).toBeCloseTo(23.015498435358715, 9);
  });

  it('a small brightness offset lowers SSIM only slightly (luminance term)', () => {
    const { a } = fixture();
    const brighter = a.map((v) => v + 0.05);
    const s = ssim(a, brighter, W, H, 3);
    expect(s).toBeLessThan(1);
    expect(s).toBeGreaterThan(0.95);
  });
});
