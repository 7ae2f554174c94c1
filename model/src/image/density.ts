import { open } from 'node:fs/promises';
import exifr from 'exifr';
import type { Metadata } from 'sharp';
import { bareExif } from './exif.js';

/**
 * What readers take a photo stating no print resolution to be, and so what a result states for it
 * where its format must state one (TIFF's XResolution, the pHYs libvips always writes into PNG):
 * left to libvips, that would be its default of 1 pixel per mm, 25.4 ppi.
 */
export const UNSTATED_PPI = 72;

/**
 * The print resolution a file states, in pixels per inch, or undefined where it states none.
 * sharp reports a density for resolutions without a unit too (PNG's pHYs unit 0 and TIFF's
 * ResolutionUnit 1 are only an aspect ratio): 72:72 then reads as 1829 ppi, which a result must
 * not be stamped with.
 */
export async function statedDensity(path: string, meta: Pick<Metadata, 'format' | 'density' | 'resolutionUnit' | 'exif'>): Promise<number | undefined> {
  // WebP and HEIF have no resolution of their own: sharp reports none, their EXIF may have one.
  if (!meta.density) return exifDensity(meta.exif ?? null);
  if (meta.format === 'png') return pngDensity(path).catch(() => undefined);
  if (meta.format === 'tiff' && !meta.resolutionUnit) return undefined;
  return meta.density;
}

/** From PNG's pHYs chunk (before IDAT): pixels per metre when its unit is the metre. */
async function pngDensity(path: string): Promise<number | undefined> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(8);
    const body = Buffer.alloc(9);
    // Signature, then chunks: length, type, data, CRC.
    for (let pos = 8, chunks = 0; chunks < 64; chunks++) {
      if ((await file.read(header, 0, 8, pos)).bytesRead < 8) return undefined;
      const length = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (type === 'IDAT' || type === 'IEND') return undefined;
      if (type === 'pHYs' && length === 9) {
        if ((await file.read(body, 0, 9, pos + 8)).bytesRead < 9 || body[8] !== 1) return undefined;
        return body.readUInt32BE(0) * 0.0254;
      }
      pos += 12 + length;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

/** XResolution in EXIF, when its ResolutionUnit is the inch (2) or the centimetre (3). */
async function exifDensity(exif: Buffer | null): Promise<number | undefined> {
  const bare = bareExif(exif);
  if (!bare) return undefined;
  const tags = (await exifr.parse(bare, { pick: ['XResolution', 'ResolutionUnit'], translateValues: false }).catch(() => undefined)) as
    | { XResolution?: number; ResolutionUnit?: number }
    | undefined;
  const x = tags?.XResolution;
  if (!x || !Number.isFinite(x) || x <= 0) return undefined;
  return tags.ResolutionUnit === 2 ? x : tags.ResolutionUnit === 3 ? x * 2.54 : undefined;
}
