import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnshakeError } from '../../../model/src/errors.js';
import { inPanelWords, plainBackend, plainBackendName } from '../../../model/src/train/fine-tune-words.js';
import { loadVgg } from '../../../model/src/train/vgg.js';

describe('the training panel’s words for the trainer’s messages', () => {
  it('names the skipped photos where the CLI points at its report, and drops command-line flags', () => {
    const noPairs = new UnshakeError('INVALID_REQUEST', 'No valid training pairs: every pair was rejected or none were found (see the report above).');
    const said = inPanelWords(noPairs, ['a.png: sizes differ', 'b.png: no sharp partner', 'c.png: unreadable', 'd.png: too small']) as UnshakeError;
    expect(said.message).toBe('No valid training pairs: every pair was rejected or none were found: a.png: sizes differ; b.png: no sharp partner; c.png: unreadable; and 1 more.');
    expect(said.code).toBe('INVALID_REQUEST');
    const crop = new UnshakeError('INVALID_REQUEST', 'Training crops for the model "x" must be a multiple of 8 px; 36 is not. Use --crop 32 or --crop 40.');
    expect((inPanelWords(crop, []) as Error).message).toBe('Training crops for the model "x" must be a multiple of 8 px; 36 is not. Use 32 px or 40 px.');
    // The panel cannot turn the critic off: its advice is the sizes alone.
    const critic = new UnshakeError('INVALID_REQUEST', '--crop 36 does not fit the critic of the adversarial loss, which takes multiples of 8 px from 24. Use --crop 32 or --crop 40, or train without the critic: --adversarial 0.');
    expect((inPanelWords(critic, []) as Error).message).toBe('36 px does not fit the critic of the adversarial loss, which takes multiples of 8 px from 24. Use 32 px or 40 px.');
    const taken = new UnshakeError('OUTPUT_EXISTS', 'A model named "x" already exists in /m; choose another name (--out NAME on the command line).');
    expect((inPanelWords(taken, []) as Error).message).toBe('A model named "x" already exists in /m; choose another name.');
    const pairsGiven = new UnshakeError('INVALID_REQUEST', '/p holds blur/ and sharp/ folders of pairs, not sharp photos: train on blurred + sharp pairs (--pairs) instead.');
    expect((inPanelWords(pairsGiven, []) as Error).message).toBe('/p holds blur/ and sharp/ folders of pairs, not sharp photos: train on blurred + sharp pairs instead.');
    const sameName = new UnshakeError('OUTPUT_EXISTS', 'A model with the id "my-pairs" ("My pairs") is already in the library in /home/ann/models; choose another name (--out NAME on the command line).');
    expect((inPanelWords(sameName, []) as Error).message).toBe('A model called “My pairs” is already in your models (this name would replace it); choose another name.');
    const other = new Error('boom');
    expect(inPanelWords(other, [])).toBe(other);
  });

  it('says a missing VGG folder is the installation’s fault, without the command line’s --vgg and --perceptual', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'unshake-no-vgg-'));
    const missing = await loadVgg(empty).then(
      () => undefined,
      (error: unknown) => error,
    );
    await rm(empty, { recursive: true });
    expect(missing).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('--vgg DIR') });
    const said = inPanelWords(missing, []) as UnshakeError;
    expect(said.code).toBe('MODEL_NOT_FOUND');
    expect(said.message).toBe(
      `The VGG19 weights for the perceptual loss are missing: no model.json in ${empty}. Unshake’s installation is incomplete: reinstall it, or set Advanced › Perceptual loss weight to 0 to train without them.`,
    );
  });

  it('says where a run trains in plain words', () => {
    expect(plainBackend({ name: 'webgpu', adapter: 'llvmpipe', software: true })).toMatch(/^Training on the processor through a software graphics driver \(llvmpipe\)/);
    expect(plainBackend({ name: 'tensorflow-gpu' })).toBe('Training on the graphics card (TensorFlow with CUDA).');
    expect(plainBackendName({ name: 'cpu' })).toBe('the processor (JavaScript)');
    expect(plainBackendName({ name: 'webgpu', software: false })).toBe('the graphics card (WebGPU)');
  });
});
