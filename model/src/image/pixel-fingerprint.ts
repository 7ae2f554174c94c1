import { decodeImage } from './decode.js';
import { rasterFingerprint } from './provenance.js';

/**
 * A photo file's pixel fingerprint (provenance.ts rasterFingerprint), decoded as a deblur decodes
 * it. A full decode: a batch asks for it only where a result of the photo's name carries another
 * byte fingerprint (the photo rated or keyworded since, or another photo of that name).
 */
export async function pixelFingerprint(path: string): Promise<string> {
  // No pixel limit: a photo too large to deblur now may have been deblurred under a higher one.
  return rasterFingerprint((await decodeImage(path, { maxMegapixels: Number.MAX_SAFE_INTEGER })).raster);
}
