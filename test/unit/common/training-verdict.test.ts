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
});
