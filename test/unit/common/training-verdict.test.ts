import { describe, expect, it } from 'vitest';
import { fineTuneAdvice, fineTuneVerdict, psnrText, trainedModelSchema } from '../../../electron/common/training.js';
import { formatScoreTable } from '../../../model/src/train/cli-train-format.js';

const scores = (base: number, fineTuned: number) => ({ base: { psnr: base, ssim: 0.8 }, fineTuned: { psnr: fineTuned, ssim: 0.8 }, heldOut: true });

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

  it('follows Use: a model chosen all the same is not said to leave the model in use as it is', () => {
    // Review: after Use on a worse fine-tune, "…the model in use stays as it is" showed beside "Now the model in use."
    const worse = fineTuneAdvice(scores(34.09, 33.33), true);
    expect(worse).toBe('It scores lower than the model it started from on the held-out photos, so it would leave photos less sharp. Train for more steps or on more photos; it is the model in use now all the same: choose another in the Model menu to go back.');
    expect(fineTuneAdvice({ input: { psnr: 41.14, ssim: 0.9 }, ...scores(40.64, 40.99) }, true)).not.toMatch(/stays as it is/);
    expect(fineTuneAdvice(scores(Number.NaN, Number.NaN), true)).toMatch(/; it is the model in use now all the same: choose another in the Model menu to go back\.$/);
    // Advice without that clause reads the same either way.
    expect(fineTuneAdvice(scores(34.09, 34.1), true)).toBe(fineTuneAdvice(scores(34.09, 34.1)));
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

  it('says in words, not "Infinity" or "null", that the held-out blurred photos were their sharp ones', () => {
    // Review run "same3": TIFF copies as the sharp photos; training.json stored the Infinity as null.
    const same = { input: { psnr: Infinity, ssim: 1 }, ...scores(58.65, 57.24) };
    expect([psnrText(Infinity), psnrText(null), psnrText(36.944)]).toEqual(['identical to the sharp photos', 'identical to the sharp photos', '36.94 dB']);
    expect(fineTuneAdvice(same)).toMatch(/^The held-out blurred photos are identical to their sharp ones, so these scores cannot show whether it removes blur\./);
    expect(fineTuneVerdict(same)).toBe('worse'); // judged against its starting model, not against an infinite score
    expect(trainedModelSchema.parse({ modelId: 'same3', name: 'same3', backend: 'cpu', steps: 1, scores: same }).scores.input.psnr).toBe(Infinity);
    const table = formatScoreTable([['blurred input', same.input], ['base model', same.base], ['fine-tuned', same.fineTuned]]);
    expect(table).not.toMatch(/Infinity/);
    expect(table.split('\n').slice(1)).toEqual([
      'blurred input    identical  1.0000',
      'base model           58.65  0.8000',
      'fine-tuned           57.24  0.8000',
      'identical: the same pixels as the sharp photos, so no PSNR can be measured (there was no blur to remove)',
    ]);
  });

  it('scores measured on the training photos themselves (one pair, one scene) are never a clean bill: the advice says they are no fair test', () => {
    const onTraining = { ...scores(30.84, 31.5), heldOut: false };
    expect(fineTuneAdvice(onTraining)).toBe(
      'These scores are measured on the training photos themselves: not a fair test, since a model that memorises its training photos scores well on them; add photos of other scenes for a held-out score.',
    );
    expect(fineTuneAdvice({ ...scores(34.09, 33.33), heldOut: false })).toMatch(/^It scores lower than the model it started from on the training photos themselves, .* stays as it is\. That is not a fair test, since a model that memorises its training photos scores well on them; add photos of other scenes for a held-out score\.$/);
    expect(fineTuneAdvice({ ...scores(34.09, 33.33), heldOut: false })).not.toMatch(/held-out photos/);
    // Identical crops of a one-pair run: not called held out, and no memorising caveat tacked on.
    expect(fineTuneAdvice({ input: { psnr: Infinity, ssim: 1 }, ...scores(58.65, 57.24), heldOut: false })).toBe(
      'The blurred photos it was measured on (the training photos themselves) are identical to their sharp ones, so these scores cannot show whether it removes blur. Train on pairs whose blurred photo is really shaken; the model in use stays as it is.',
    );
  });
});
