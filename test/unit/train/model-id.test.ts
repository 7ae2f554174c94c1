import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listModels } from '../../../model/src/models/library.js';
import { assertNewModelId } from '../../../model/src/train/model-export.js';

describe('the name of a fine-tuned model', () => {
  it('may not be a bundled model’s id or the "base" alias: the library would hide it behind them', async () => {
    const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-model-id-'));
    const bundled = (await listModels()).map((m) => m.id);
    expect(bundled).toEqual(expect.arrayContaining(['base', 'unshake-base', 'placeholder']));
    for (const id of bundled) {
      await expect(assertNewModelId(modelsDir, id, ''), id).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringMatching(/ships with Unshake/) });
    }
    await expect(assertNewModelId(modelsDir, 'my-street-shots', '')).resolves.toBeUndefined();
    await mkdir(path.join(modelsDir, 'my-street-shots'));
    await expect(assertNewModelId(modelsDir, 'my-street-shots', '')).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', message: expect.stringMatching(/already exists/) });
  });
});
