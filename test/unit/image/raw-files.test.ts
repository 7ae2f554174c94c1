import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { UnshakeError } from '../../../model/src/errors.js';
import { decodeImage } from '../../../model/src/image/decode.js';
import { readMetadataSummary } from '../../../model/src/image/metadata.js';
import { makePreview } from '../../../model/src/image/preview.js';
import { useTempDir } from '../../fixtures/make-images.js';
import { makeRawLookalike } from '../../fixtures/raw-files.js';

const tempDir = useTempDir('unshake-raw-');

async function refusal(promise: Promise<unknown>): Promise<UnshakeError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a refusal').toBeInstanceOf(UnshakeError);
  return error as UnshakeError;
}

const rawSentence = (name: string) => `${name} is a raw file; Unshake does not develop raw files. Export a 16-bit TIFF from your raw developer and open that.`;

describe('camera raw files are refused, not opened as their embedded thumbnail', () => {
  it.each([
    ['DSC_0001.NEF', 'nef'],
    ['cam.dng', 'dng'],
  ] as const)('%s: inspect, preview and decode all refuse it with UNSUPPORTED_FORMAT', async (name, kind) => {
    const file = await makeRawLookalike(tempDir(), name, kind);
    // The premise: sharp alone reads it as a 160 × 120 TIFF.
    expect(await sharp(file).metadata()).toMatchObject({ format: 'tiff', width: 160, height: 120 });
    // One at a time: a refusal not yet awaited would be an unhandled rejection meanwhile.
    for (const read of [() => readMetadataSummary(file), () => makePreview(file, 256), () => decodeImage(file)]) {
      const error = await refusal(read());
      expect(error.code).toBe('UNSUPPORTED_FORMAT');
      expect(error.message).toBe(rawSentence(name));
    }
  });

  it('a DNG renamed .tif is told by its DNGVersion tag', async () => {
    const dng = await makeRawLookalike(tempDir(), 'renamed.dng', 'dng');
    const renamed = join(tempDir(), 'export.tif');
    await copyFile(dng, renamed);
    const error = await refusal(readMetadataSummary(renamed));
    expect(error.code).toBe('UNSUPPORTED_FORMAT');
    expect(error.message).toBe(rawSentence('export.tif'));
  });

  it('an ordinary TIFF with a camera make still opens', async () => {
    // Only the name or the DNG tag marks a raw file: a NEF's tags on a .tif are a developed TIFF's too.
    const tiff = await makeRawLookalike(tempDir(), 'developed.tif', 'nef');
    expect(await readMetadataSummary(tiff)).toMatchObject({ format: 'tiff', width: 160, height: 120 });
  });
});
