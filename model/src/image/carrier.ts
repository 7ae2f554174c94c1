import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import type { RasterImage } from './types.js';

/**
 * Turn a raster plus the original ICC/EXIF bytes into a sharp pipeline whose input already
 * carries that metadata, so `keepIccProfile()`/`keepExif()` can write it out unchanged.
 *
 * Why a carrier: sharp has no way to attach ICC or EXIF *bytes* to raw pixels.
 * `withIccProfile()` converts the pixels into the profile (we want them untouched) and
 * `withExif()` takes string key/value pairs only (losing types and unknown tags). So the raw
 * pixels are first wrapped by sharp in an uncompressed PNG (~80 ms for 12 MP), and the two
 * standard chunks iCCP (zlib-compressed profile) and eXIf (bare EXIF) are spliced in after
 * IHDR. libvips reads both back as the image's own metadata.
 */
export async function rasterPipeline(raster: RasterImage, meta: { icc: Buffer | null; exif: Buffer | null }): Promise<Sharp> {
  const raw = rawInput(raster);
  if (!meta.icc && !meta.exif) return raw;
  const png = await raw.png({ compressionLevel: 0, adaptiveFiltering: false }).toBuffer();
  const chunks: Buffer[] = [];
  if (meta.icc) chunks.push(pngChunk('iCCP', Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), deflateSync(meta.icc)])));
  if (meta.exif) chunks.push(pngChunk('eXIf', meta.exif));
  // 8-byte signature + IHDR chunk (4 length + 4 type + 13 data + 4 CRC) = 33 bytes.
  const carrier = Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
  return sharp(carrier, { limitInputPixels: false });
}

/** sharp input over the raster's own memory; the typed array tells sharp the sample depth. */
function rawInput(raster: RasterImage): Sharp {
  const { width, height, channels, bitDepth, pixels } = raster;
  const image = sharp(pixels, { raw: { width, height, channels }, limitInputPixels: false });
  // Name the interpretation so sharp neither expands gray to RGB nor drops 16 bits.
  const gray = channels <= 2;
  if (bitDepth === 16) return image.toColourspace(gray ? 'grey16' : 'rgb16');
  return image.toColourspace(gray ? 'b-w' : 'srgb');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}
