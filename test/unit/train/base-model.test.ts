import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBase } from '../../../model/src/train/base-model.js';
import { placeholderPath } from './helpers.js';

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
