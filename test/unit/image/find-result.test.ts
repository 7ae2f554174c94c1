import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findResult, planBatch } from '../../../model/src/image/photo-files.js';
import { sourceFingerprint, xmpWithSource } from '../../../model/src/image/provenance.js';
import { useTempDir } from '../../fixtures/make-images.js';

/** Whether a batch run again finds a photo's result: the cases a photographer meets between runs. */
const tempDir = useTempDir('unshake-find-result-');

/** A folder with a small photo `name` and its result `result` as the encoder writes it (its fingerprint in its XMP). */
async function photoWithResult(folder: string, name: string, result: string) {
  const dir = path.join(tempDir(), folder);
  await mkdir(dir, { recursive: true });
  const photo = path.join(dir, name);
  await sharp({ create: { width: 16, height: 12, channels: 3, background: '#a52' } }).jpeg().toFile(photo);
  await sharp({ create: { width: 16, height: 12, channels: 3, background: '#000' } })
    .withXmp(xmpWithSource(null, await sourceFingerprint(photo)))
    .jpeg()
    .toFile(path.join(dir, result));
  return { dir, photo };
}

describe('a photo’s result from an earlier run', () => {
  it('is found under the photo’s own extension (.JPG, .jpeg, .tiff) after the format changed from “Same”', async () => {
    for (const [name, result, format] of [
      ['A.JPG', 'A-unshaken.JPG', '.jpg'],
      ['upper.JPEG', 'upper-unshaken.JPEG', '.jpg'],
      ['scan.tiff', 'scan-unshaken.tiff', '.png'],
    ] as const) {
      const { dir, photo } = await photoWithResult(`own-ext-${name}`, name, result);
      const [item] = planBatch([photo], { ext: format });
      expect(await findResult(item!, { ext: format }), name).toEqual({ done: path.join(dir, result) });
    }
  });
});
