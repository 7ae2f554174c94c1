import sharp from 'sharp';
import { decodeError, probeImage, STRICT_INPUT, type ProbeOptions } from './probe.js';

export interface Preview {
  jpeg: Buffer;
  width: number;
  height: number;
}

/**
 * A screen-size JPEG of a photo: upright, fitted inside maxEdge × maxEdge (never enlarged),
 * converted to sRGB through the embedded profile (screens and the renderer assume sRGB; this
 * is only for display, the full-resolution decode keeps the file's own values) and tagged sRGB.
 * Transparency is shown over white. JPEG shrink-on-load keeps this fast for large files.
 */
export async function makePreview(path: string, maxEdge = 2048, options: ProbeOptions = {}): Promise<Preview> {
  const { path: absolute } = await probeImage(path, options);
  try {
    const { data, info } = await sharp(absolute, { ...STRICT_INPUT, autoOrient: true })
      .resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      // Without an explicit target, sharp leaves 16-bit files in its P3 working space.
      .withIccProfile('srgb')
      .jpeg({ quality: 88 })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: data, width: info.width, height: info.height };
  } catch (error) {
    throw decodeError(error, absolute);
  }
}
