import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { tempPathBeside } from './atomic-file.js';
import { writeCarrierPng, type CarrierMetadata } from './carrier-file.js';
import { isDiskFull } from './disk-full.js';
import { removeStaleTempFiles } from './stale-temp-files.js';
import type { BitDepth, RasterImage } from './types.js';

/**
 * Run `use` with a sharp pipeline over `raster` at `bitDepth` whose input already carries the
 * original ICC/EXIF bytes, so `keepIccProfile()`/`keepExif()` write them out unchanged, and
 * its print resolution, which libvips writes in every format.
 *
 * Why a carrier: sharp has no way to attach ICC or EXIF *bytes* to raw pixels.
 * `withIccProfile()` converts the pixels into the profile (we want them untouched) and
 * `withExif()` takes string key/value pairs only (losing types and unknown tags). So the pixels
 * are streamed into an uncompressed PNG temp file with the standard iCCP and eXIf chunks after
 * IHDR (carrier-file.ts), which libvips reads back as the image's own metadata, row by row.
 * The same file does the 16 → 8-bit rounding band by band, so no raster-sized copy is made.
 * The temp file sits beside `target` and is removed when `use` settles, also on errors.
 * Without metadata or depth change, sharp reads the raster's own memory directly.
 */
export async function withRasterPipeline<T>(
  raster: RasterImage,
  meta: CarrierMetadata,
  options: { bitDepth: BitDepth; target: string },
  use: (pipeline: Sharp) => Promise<T>,
): Promise<T> {
  if (!meta.icc && !meta.exif && !meta.density && options.bitDepth === raster.bitDepth) return use(rawInput(raster));
  const carrier = await writeCarrier(raster, meta, options);
  try {
    return await use(sharp(carrier, { limitInputPixels: false }));
  } finally {
    await removeTemp(carrier);
  }
}

// Retries: on Windows a file libvips has only just closed may briefly refuse deletion (EBUSY).
const removeTemp = (file: string) => rm(file, { force: true, maxRetries: 3 });

/**
 * The carrier file's path: beside `target` (the output's own disk, usually the roomiest), or in
 * the system's temp folder when that disk has no room for it. The carrier is uncompressed, several
 * times the size of the JPEG it becomes (18 MB for 6 MP), so a nearly full card that takes the
 * result could not take the carrier. Where neither has room, the error is the target's.
 */
async function writeCarrier(raster: RasterImage, meta: CarrierMetadata, options: { bitDepth: BitDepth; target: string }): Promise<string> {
  const beside = tempPathBeside(options.target, 'carrier', '.png');
  try {
    await writeCarrierPng(raster, beside, meta, options.bitDepth);
    return beside;
  } catch (error) {
    await removeTemp(beside);
    if (!isDiskFull(error)) throw error;
    // Copies a killed engine left there are swept first: nothing else sweeps the temp folder.
    await removeStaleTempFiles([tmpdir()]).catch(() => {});
    const elsewhere = tempPathBeside(path.join(tmpdir(), path.basename(options.target)), 'carrier', '.png');
    try {
      await writeCarrierPng(raster, elsewhere, meta, options.bitDepth);
      return elsewhere;
    } catch {
      await removeTemp(elsewhere);
      throw error;
    }
  }
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
