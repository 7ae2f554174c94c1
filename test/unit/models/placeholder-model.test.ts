import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../../model/src/models/manifest.js';
import { decodeModel } from '../../../model/src/models/onnx-writer.js';
import { buildPlaceholderOnnx, placeholderManifest } from '../../../model/src/models/placeholder-model.js';

const weights = path.resolve(import.meta.dirname, '../../../model/weights');

describe('placeholder generator', () => {
  it('committed ONNX file is what the script builds (regenerate with npm run make:placeholder)', async () => {
    const committed = await readFile(path.join(weights, 'placeholder.onnx'));
    expect(Buffer.from(buildPlaceholderOnnx()).equals(committed)).toBe(true);
  });

  it('committed manifest is valid, flagged placeholder and matches the file checksum', async () => {
    const json = JSON.parse(await readFile(path.join(weights, 'placeholder.manifest.json'), 'utf8'));
    const manifest = modelManifestSchema.parse(json);
    expect(manifest).toEqual(placeholderManifest(buildPlaceholderOnnx()));
    expect(manifest.placeholder).toBe(true);
    expect(manifest.name).toBe('Placeholder (unsharp, untrained)');
    expect(manifest.description).toMatch(/^Not a deblurrer: /);
    expect(manifest.io.sizeMultiple % 4).toBe(0);
  });

  it('is opset 17 with dynamic N/H/W and the generator I/O names', () => {
    const summary = decodeModel(buildPlaceholderOnnx());
    expect(summary.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(summary.inputs).toEqual([{ name: 'blurred', dims: ['N', 3, 'H', 'W'] }]);
    expect(summary.outputs).toEqual([{ name: 'sharp', dims: ['N', 3, 'H', 'W'] }]);
    expect(summary.opTypes).toEqual(['Pad', 'Conv', 'Sub', 'Mul', 'Tanh', 'Add', 'Clip']);
    expect(summary.initializers.find((t) => t.name === 'gauss_w')?.dims).toEqual([3, 1, 5, 5]);
  });
});
