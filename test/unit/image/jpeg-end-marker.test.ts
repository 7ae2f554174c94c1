import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnshakeError } from '../../../model/src/errors.js';
import { decodeImage } from '../../../model/src/image/decode.js';
import { lacksOnlyEndMarker } from '../../../model/src/image/jpeg-end-marker.js';
import { makePreview } from '../../../model/src/image/preview.js';
import { decodeRegion } from '../../../model/src/train/crop-sampler.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * A JPEG that lacks only its end marker opens whole, as in every mainstream viewer; one cut short
 * anywhere in its picture data is still refused, sequential or progressive.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/real-blur/lai_Pantheon.jpg');
const tempDir = useTempDir('unshake-eoi-');
const files: Record<string, string> = {};
let original: Buffer;

/** The offset of the n-th (1-based) start-of-scan marker. */
function nthScan(bytes: Buffer, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) at = bytes.indexOf(Buffer.from([0xff, 0xda]), at + 1);
  return at;
}

beforeAll(async () => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
  original = await readFile(photo);
  expect(original.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
  const write = async (name: string, bytes: Buffer) => {
    files[name] = path.join(tempDir(), name);
    await writeFile(files[name]!, bytes);
  };
  await write('no-end-marker.jpg', original.subarray(0, -2));
  // Stray bytes before a marker: a libjpeg warning many camera files carry, not damage.
  const scan = nthScan(original, 1);
  await write('stray-bytes.jpg', Buffer.concat([original.subarray(0, scan), Buffer.from([0x12, 0x34]), original.subarray(scan)]));
  await write('cut-mid-scan.jpg', original.subarray(0, Math.floor(original.length * 0.7)));
  const progressive = await sharp(photo).jpeg({ quality: 90, progressive: true }).toBuffer();
  // Cut where the third scan starts: the first two scans make a whole (coarse) picture.
  await write('progressive-cut-between-scans.jpg', progressive.subarray(0, nthScan(progressive, 3)));
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('a JPEG missing only its end marker', () => {
  it('decodes to exactly the pixels of the complete file', async () => {
    const whole = await decodeImage(photo);
    const repaired = await decodeImage(files['no-end-marker.jpg']!);
    expect(repaired.raster.width).toBe(whole.raster.width);
    expect(Buffer.from(repaired.raster.pixels.buffer).equals(Buffer.from(whole.raster.pixels.buffer))).toBe(true);
  });

  it('opens in the editor and serves as a training photo', async () => {
    await expect(makePreview(files['no-end-marker.jpg']!, 256)).resolves.toMatchObject({ width: 256 });
    const region = { left: 100, top: 50, width: 64, height: 48 };
    expect(Buffer.from(await decodeRegion(files['no-end-marker.jpg']!, region)).equals(Buffer.from(await decodeRegion(photo, region)))).toBe(true);
  });
});

it('a JPEG with stray bytes before a marker serves as a training photo, as it opens in the editor', async () => {
  const region = { left: 0, top: 860, width: 32, height: 32 };
  expect(Buffer.from(await decodeRegion(files['stray-bytes.jpg']!, region)).equals(Buffer.from(await decodeRegion(photo, region)))).toBe(true);
  await expect(decodeImage(files['stray-bytes.jpg']!)).resolves.toBeTruthy();
});

describe('a JPEG cut short in its picture data', () => {
  it.each(['cut-mid-scan.jpg', 'progressive-cut-between-scans.jpg'])('%s is still refused as corrupt', async (name) => {
    const error = await failure(decodeImage(files[name]!));
    expect(error).toBeInstanceOf(UnshakeError);
    expect((error as UnshakeError).code).toBe('CORRUPT_IMAGE');
    expect((await failure(makePreview(files[name]!))) as UnshakeError).toBeInstanceOf(UnshakeError);
    await expect(decodeRegion(files[name]!, { left: 0, top: 860, width: 32, height: 32 })).rejects.toThrow(/premature end/i);
  });

  it('is told apart by its structure: only a sequential single scan running to the end qualifies', async () => {
    expect(await lacksOnlyEndMarker(await readFile(files['no-end-marker.jpg']!))).toBe(true);
    expect(await lacksOnlyEndMarker(await readFile(files['progressive-cut-between-scans.jpg']!))).toBe(false);
    // A complete file has its end marker after the scan: nothing to repair.
    expect(await lacksOnlyEndMarker(original)).toBe(false);
  });
});
