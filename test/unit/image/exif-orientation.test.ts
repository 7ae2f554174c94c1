import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * The EXIF standard stores Orientation as SHORT, but some writers use LONG or BYTE, and libvips
 * honours those as well: the pixels came out upright while the saved file kept "6", so viewers
 * turned the photo a second time.
 */
const tempDir = useTempDir('unshake-exif-orient-');
const BYTE = 1;
const SHORT = 3;
const LONG = 4;

/** A 48×32 JPEG whose APP1 holds one IFD0 entry: Orientation 6 stored as `type`. */
async function jpegWithOrientation(type: number, littleEndian: boolean): Promise<Buffer> {
  const plain = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .toBuffer();
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  const u16 = (v: number, at: number) => (littleEndian ? tiff.writeUInt16LE(v, at) : tiff.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (littleEndian ? tiff.writeUInt32LE(v, at) : tiff.writeUInt32BE(v, at));
  tiff.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(1, 8);
  u16(0x0112, 10);
  u16(type, 12);
  u32(1, 14);
  if (type === SHORT) u16(6, 18);
  else if (type === LONG) u32(6, 18);
  else tiff.writeUInt8(6, 18);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  return Buffer.concat([plain.subarray(0, 2), app1, body, plain.subarray(2)]);
}

describe('saving resets EXIF Orientation whatever type it is stored as', () => {
  it.each([
    ['SHORT, little-endian', SHORT, true],
    ['LONG, little-endian', LONG, true],
    ['LONG, big-endian', LONG, false],
    ['BYTE', BYTE, true],
  ])('%s', async (_name, type, littleEndian) => {
    const input = path.join(tempDir(), `orient-${type}-${littleEndian ? 'le' : 'be'}.jpg`);
    await writeFile(input, await jpegWithOrientation(type, littleEndian));
    const decoded = await decodeImage(input);
    expect(decoded.source.orientation).toBe(6);
    expect([decoded.raster.width, decoded.raster.height]).toEqual([32, 48]);
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const out = path.join(tempDir(), `out-${type}-${littleEndian ? 'le' : 'be'}.${format}`);
      await encodeImage(decoded.raster, decoded.source, { path: out, format, overwrite: true });
      const meta = await sharp(out).metadata();
      expect([format, meta.width, meta.height, meta.orientation ?? 1]).toEqual([format, 32, 48, 1]);
    }
  });
});
