import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel, floatTensor, node, tensorInfo } from '../../../model/src/models/onnx-writer.js';
import { resolveBase } from '../../../model/src/train/base-model.js';
import { installModel } from '../../fixtures/broken-models.js';
import { placeholderPath } from './helpers.js';

/** An identity 1×1 Conv generator in the base model's convention, with what a user's model may get wrong. */
function identityModel(o: { opset?: number; size?: number; output?: string } = {}): Uint8Array {
  const dims = o.size ? [1, 3, o.size, o.size] : ['N', 3, 'H', 'W'];
  const output = o.output ?? 'sharp';
  return encodeModel({
    name: 'identity',
    ...(o.opset ? { opset: o.opset } : {}),
    inputs: [tensorInfo('blurred', dims)],
    outputs: [tensorInfo(output, dims)],
    initializers: [floatTensor('w', [3, 3, 1, 1], [1, 0, 0, 0, 1, 0, 0, 0, 1])],
    nodes: [node('Conv', ['blurred', 'w'], [output])],
  });
}

describe('the base model of a fine-tune', () => {
  it('is a file only when the caller says so (the command line): otherwise a path is looked up as a model id, never opened', async () => {
    const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-base-model-'));
    // A real model with its manifest beside it: opened as a file, it would load.
    await expect(resolveBase(placeholderPath, modelsDir)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining(`No model with id "${placeholderPath}"`) });
    await expect(resolveBase(path.basename(placeholderPath), modelsDir)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    const fromFile = await resolveBase(placeholderPath, modelsDir, { acceptFile: true });
    expect(fromFile).toMatchObject({ onnx: placeholderPath, manifest: { id: 'placeholder' } });
    // Ids still work either way.
    expect((await resolveBase('placeholder', modelsDir)).manifest.id).toBe('placeholder');
    expect((await resolveBase('placeholder', modelsDir, { acceptFile: true })).manifest.id).toBe('placeholder');
  });
});

describe('a base model the deblur engine cannot run', () => {
  it.each([
    ['an opset newer than ONNX Runtime knows', { opset: 99 }, /could not be loaded by ONNX Runtime: .*[Oo]pset 99/],
    ['an output under another name than its manifest says', { output: 'restored' }, /does not match its manifest: expected an output "sharp", found \["restored"\]/],
    ['a fixed height and width', { size: 64 }, /has a fixed height\/width \(1x3x64x64\)/],
  ])('is refused before any step: %s', async (_what, broken, reason) => {
    const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-base-model-'));
    const { onnxPath } = await installModel(modelsDir, 'mine', identityModel(broken));
    for (const spec of [['mine', {}], [onnxPath, { acceptFile: true }]] as const) {
      const error = await resolveBase(spec[0], modelsDir, spec[1]).then(
        () => null,
        (e: unknown) => e as Error & { code: string },
      );
      expect(error?.code).toBe('MODEL_INVALID');
      expect(error?.message).toMatch(reason);
      expect(error?.message).toMatch(/Unshake could not deblur with it, so it is not fine-tuned either: start from another model\.$/);
    }
    // The same model, right, is taken.
    await installModel(modelsDir, 'fixed', identityModel());
    expect((await resolveBase('fixed', modelsDir)).manifest.id).toBe('fixed');
  });
});
