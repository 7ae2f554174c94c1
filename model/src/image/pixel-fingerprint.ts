import { decodeImage, type DecodeOptions } from './decode.js';
import { rasterFingerprintYielding } from './provenance.js';

/** A file's pixel fingerprint, and its byte fingerprint (provenance.ts) read just before the pixels. */
export interface FilePixels {
  /** Absent where the file could not be fingerprinted (decode.ts). */
  fingerprint?: string;
  pixels: string;
}

/**
 * A photo file's pixel fingerprint (provenance.ts rasterFingerprint, hashed in slices), decoded as a deblur decodes
 * it, with the byte fingerprint it had: a caller that knows those bytes knows which file the
 * pixels are of. A full decode: asked for only where a file's bytes alone do not tell.
 */
export async function filePixels(path: string, options: DecodeOptions): Promise<FilePixels> {
  const { raster, source } = await decodeImage(path, options);
  return { ...(source.fingerprint ? { fingerprint: source.fingerprint } : {}), pixels: await rasterFingerprintYielding(raster) };
}

/**
 * A batch asks for it only where a result of the photo's name carries another byte fingerprint
 * (the photo rated or keyworded since, or another photo of that name).
 */
export async function pixelFingerprint(path: string): Promise<string> {
  // No pixel limit: a photo too large to deblur now may have been deblurred under a higher one.
  return (await filePixels(path, { maxMegapixels: Number.MAX_SAFE_INTEGER })).pixels;
}
