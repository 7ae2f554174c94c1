import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import type { RasterImage } from '../../../model/src/image/types.js';

/**
 * Child process for encode-streaming.test.ts: peak RSS is per process, so the encode is measured
 * alone. argv: <photo with ICC+EXIF> <tile photo> <output.png> <megapixels>. Builds a 16-bit RGB
 * raster by tiling a real photo (×257), records VmHWM (the only large allocation so far), encodes
 * with the photo's metadata and prints { rasterBytes, baselineHwm, finalHwm } as JSON.
 */
function peakRssBytes(): number {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!hwm) throw new Error('no VmHWM in /proc/self/status (Linux only)');
  return Number(hwm[1]) * 1024;
}

async function tiledRaster16(tilePath: string, megapixels: number): Promise<RasterImage> {
  const tile = await sharp(tilePath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: tw, height: th } = tile.info;
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  const pixels = new Uint16Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    // Mirror alternate tiles so there are no hard seams, like a plain photo.
    const ty = Math.floor(y / th) % 2 ? th - 1 - (y % th) : y % th;
    for (let x = 0; x < width; x++) {
      const tx = Math.floor(x / tw) % 2 ? tw - 1 - (x % tw) : x % tw;
      const s = (ty * tw + tx) * 3;
      const d = (y * width + x) * 3;
      // ×257 plus a little low-order variation so the 16 bits are really used.
      pixels[d] = tile.data[s]! * 257 + ((x * 7 + y) & 0xff);
      pixels[d + 1] = tile.data[s + 1]! * 257 + ((x + y * 3) & 0xff);
      pixels[d + 2] = tile.data[s + 2]! * 257;
    }
  }
  return { width, height, channels: 3, bitDepth: 16, pixels };
}

async function main(): Promise<void> {
  const [metaPhoto, tilePhoto, output, mp] = process.argv.slice(2);
  const { source } = await decodeImage(resolve(metaPhoto!));
  if (!source.icc || !source.exif) throw new Error(`${metaPhoto} must carry ICC and EXIF`);
  const raster = await tiledRaster16(resolve(tilePhoto!), Number(mp));
  const baselineHwm = peakRssBytes();
  await encodeImage(raster, { ...source, format: 'png' }, { path: resolve(output!) });
  const finalHwm = peakRssBytes();
  process.stdout.write(`${JSON.stringify({ rasterBytes: raster.pixels.byteLength, baselineHwm, finalHwm })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
