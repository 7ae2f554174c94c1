import { describe, expect, it } from 'vitest';
import { fineTuneAdvice, fineTuneVerdict } from '../../../electron/common/training.js';

const scores = (base: number, fineTuned: number) => ({ base: { psnr: base, ssim: 0.8 }, fineTuned: { psnr: fineTuned, ssim: 0.8 } });

describe('whether a fine-tuned model is an improvement', () => {
  it('is better, unchanged or worse by its held-out PSNR against the model it started from', () => {
    expect(fineTuneVerdict(scores(34.09, 34.2))).toBe('better');
    expect(fineTuneVerdict(scores(34.09, 34.1))).toBe('unchanged');
    expect(fineTuneVerdict(scores(34.09, 34.05))).toBe('unchanged');
    expect(fineTuneVerdict(scores(34.09, 33.33))).toBe('worse');
  });

  it('says nothing more of a better model, and what to do about one that is not', () => {
    expect(fineTuneAdvice(scores(34.09, 34.2))).toBeNull();
    expect(fineTuneAdvice(scores(34.09, 33.33))).toMatch(/^It scores lower than the model it started from .* the model in use stays as it is\.$/);
    expect(fineTuneAdvice(scores(34.09, 34.1))).toMatch(/^It scores about the same as the model it started from/);
  });

  it('is worse, whatever the starting model did, when it scores below the blurred photos themselves', () => {
    // Run "ref" of the review: blurred 41.14, base 40.64, fine-tuned 40.99.
    const ref = { input: { psnr: 41.14, ssim: 0.9 }, ...scores(40.64, 40.99) };
    expect(fineTuneVerdict(ref)).toBe('worse');
    expect(fineTuneAdvice(ref)).toMatch(/^It scores lower than the blurred photos themselves on the held-out photos, so it would leave photos less sharp than not deblurring them\./);
    // Within the noise of the blurred score it is judged against its starting model only.
    expect(fineTuneVerdict({ input: { psnr: 41.0, ssim: 0.9 }, ...scores(40.64, 40.99) })).toBe('better');
  });

  it('is worse, with its own advice, when its output is not numbers; a usable model beats a starting model whose output is not', () => {
    // Review: a NaN base fine-tuned to NaN read as "about the same" (every comparison with NaN is false).
    expect(fineTuneVerdict(scores(Number.NaN, Number.NaN))).toBe('worse');
    expect(fineTuneVerdict({ input: { psnr: 16.86, ssim: 0.23 }, ...scores(16.98, Number.NaN) })).toBe('worse');
    expect(fineTuneAdvice(scores(Number.NaN, Number.NaN))).toMatch(/^It produces invalid values \(not numbers\) on the held-out photos, so it would turn photos black\. .* the model in use stays as it is\.$/);
    expect(fineTuneVerdict(scores(Number.NaN, 30))).toBe('better');
  });
});
