import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelManifestSchema } from '../../../model/src/models/manifest.js';
import { bundledModelsDir } from '../../../model/src/models/library.js';

const weights = bundledModelsDir();

/** The shipped base model must say what it is, where it came from and under what terms. */
describe('shipped base model manifest', () => {
  it('names its version, licence and training, consistent with its checkpoint step', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(weights, 'unshake-base.manifest.json'), 'utf8')));
    expect(manifest.placeholder).toBe(false);
    expect(manifest.version).toMatch(/^0\.\d+\.0$/);
    const steps = Number(manifest.version!.split('.')[1]);
    expect(manifest.training?.steps).toBe(steps);
    expect(manifest.training?.mix).toMatch(/synth=|frames=|pairs=/);
    expect(String(manifest.training?.heldOut)).toContain('gopro-official');
    expect(manifest.license).toMatch(/research use/i);
    const onnx = await readFile(path.join(weights, manifest.file));
    expect(createHash('sha256').update(onnx).digest('hex')).toBe(manifest.sha256);
  });

  it('is the model the model card describes', async () => {
    const manifest = modelManifestSchema.parse(JSON.parse(await readFile(path.join(weights, 'unshake-base.manifest.json'), 'utf8')));
    const card = await readFile(path.join(weights, 'MODEL_CARD.md'), 'utf8');
    // The card quotes the version and the file hash it was measured on, so new weights without a new card fail here.
    expect(card).toContain(`version ${manifest.version}`);
    expect(card).toContain(manifest.sha256!.slice(0, 12));
    expect(card).toContain(`${manifest.parameters.toLocaleString('en-US')} parameters`);
  });
});
