import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findResult, planBatch } from '../../../model/src/image/batch-results.js';
import { pixelFingerprint } from '../../../model/src/image/pixel-fingerprint.js';
import { sourceFingerprint, xmpWithSource } from '../../../model/src/image/provenance.js';
import { ratePhotoInPlace } from '../../fixtures/tag-photo.js';
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
      ['A.JPG', 'A-unshaken.JPG', 'png'],
      ['upper.JPEG', 'upper-unshaken.JPEG', 'webp'],
      ['scan.tiff', 'scan-unshaken.tiff', 'png'],
    ] as const) {
      const { dir, photo } = await photoWithResult(`own-ext-${name}`, name, result);
      const [item] = planBatch([photo], { format });
      expect(await findResult(item!, { format }), name).toEqual({ done: path.join(dir, result) });
    }
  });
});

describe('a photo rated or keyworded since its result was made', () => {
  /** A photo and its result as encodeImage marks it: both fingerprints of the photo as it was then. */
  async function pngWithResult(folder: string, colour: string) {
    const dir = path.join(tempDir(), folder);
    await mkdir(dir, { recursive: true });
    const photo = path.join(dir, 'IMG_0001.png');
    await sharp({ create: { width: 16, height: 12, channels: 3, background: colour } }).png().toFile(photo);
    const result = path.join(dir, 'IMG_0001-unshaken.png');
    await sharp({ create: { width: 16, height: 12, channels: 3, background: '#000' } })
      .withXmp(xmpWithSource(null, await sourceFingerprint(photo), await pixelFingerprint(photo)))
      .png()
      .toFile(result);
    return { dir, photo, result };
  }

  it('still finds its result by its pixels; another photo of that name (a reused card) is still not taken as done', async () => {
    const { photo, result } = await pngWithResult('rated', '#a52');
    const before = await sourceFingerprint(photo);
    await ratePhotoInPlace(photo);
    expect(await sourceFingerprint(photo)).not.toBe(before);
    expect((await sharp(photo).metadata()).xmp?.toString()).toContain('xmp:Rating="5"');
    const [item] = planBatch([photo]);
    expect(await findResult(item!)).toEqual({ done: result });

    // Another card's IMG_0001.png, into the folder where the first one's result is.
    const { dir, photo: other } = await pngWithResult('other-card', '#25a');
    const [elsewhere] = planBatch([other], { folder: path.dirname(result) });
    expect(await findResult(elsewhere!)).toEqual({ output: path.join(path.dirname(result), 'IMG_0001-unshaken-2.png') });
    expect(dir).not.toBe(path.dirname(result));
  });
});

describe('a file under the result’s name that is no image', () => {
  it('an empty or cut-short result is not done: named, left as it is, the photo goes under the next free name', async () => {
    const { dir, photo } = await photoWithResult('damaged-results', 'a.jpg', 'a-unshaken.jpg');
    const whole = await readFile(path.join(dir, 'a-unshaken.jpg'));
    for (const damaged of [Buffer.alloc(0), whole.subarray(0, whole.length - 200)]) {
      await writeFile(path.join(dir, 'a-unshaken.jpg'), damaged);
      const [item] = planBatch([photo]);
      expect(await findResult(item!)).toEqual({ output: path.join(dir, 'a-unshaken-2.jpg'), unreadable: [path.join(dir, 'a-unshaken.jpg')] });
      expect((await readFile(path.join(dir, 'a-unshaken.jpg'))).equals(damaged)).toBe(true);
    }
  });
});
