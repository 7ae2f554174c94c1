import { UnshakeError } from '../../model/src/errors.js';
import { decodeImage } from '../../model/src/image/decode.js';
import { encodeImage } from '../../model/src/image/encode.js';
import { readMetadataSummary } from '../../model/src/image/metadata.js';
import { keepShareOfChange } from '../../model/src/image/partial-result.js';
import { rasterFingerprint } from '../../model/src/image/provenance.js';
import { filePixels } from '../../model/src/image/pixel-fingerprint.js';
import { makeCrop, makePreview } from '../../model/src/image/preview.js';
import type { RasterImage, SourceMetadata } from '../../model/src/image/types.js';
import { pixelLimit, type Handlers } from './command-context.js';
import { sourceFromWire } from './engine-protocol.js';

/** The commands that need sharp and exifr only: the images process runs nothing else, and never loads ORT. */
export const imageHandlers: Handlers<'inspect' | 'preview' | 'pixels' | 'crop' | 'encode'> = {
  inspect: async ({ path, maxMegapixels }) => readMetadataSummary(path, pixelLimit(maxMegapixels)),
  preview: async ({ path, maxEdge, maxMegapixels }) => {
    const preview = await makePreview(path, maxEdge, pixelLimit(maxMegapixels));
    return { jpeg: new Uint8Array(preview.jpeg), width: preview.width, height: preview.height };
  },
  pixels: async ({ path, maxMegapixels }) => filePixels(path, pixelLimit(maxMegapixels)),
  crop: async ({ path, region, maxMegapixels }) => {
    const crop = await makeCrop(path, region, pixelLimit(maxMegapixels));
    return { jpeg: new Uint8Array(crop.jpeg), width: crop.width, height: crop.height };
  },
  encode: async (request) => {
    const source = sourceFromWire(request.source);
    const result = await decodeImage(request.resultPath, pixelLimit(request.maxMegapixels));
    // A lower strength than the job ran at: blended from the result, the network is not run again.
    const raster =
      request.keep === undefined || request.keep === 1
        ? result.raster
        : keepShareOfChange(await originalPixels(source, request.maxMegapixels), result.raster, request.keep, { inPlace: true });
    return encodeImage(raster, source, {
      path: request.outPath,
      format: request.format,
      quality: request.quality,
      overwrite: request.overwrite,
    });
  },
};

/**
 * The original's pixels, which only a save below the job's strength needs: those the deblur read.
 * A photo edited elsewhere since (same size, so the blend would run) would be blended in as it
 * is now — half a new photo ghosted over the old result. Compared by its pixels where the deblur
 * took their fingerprint: a photo only rated or keyworded since (its bytes changed) still saves.
 */
async function originalPixels(source: SourceMetadata, maxMegapixels: number): Promise<RasterImage> {
  const { path } = source;
  try {
    const now = await decodeImage(path, pixelLimit(maxMegapixels));
    const changed = source.pixels ? rasterFingerprint(now.raster) !== source.pixels : source.fingerprint !== undefined && now.source.fingerprint !== source.fingerprint;
    if (changed) {
      throw new UnshakeError(
        'INVALID_REQUEST',
        `The original photo ${path} was changed on disk since it was deblurred, and saving below the strength the deblur ran at blends with it. Save at the deblur's strength, or open the photo again and deblur it.`,
      );
    }
    return now.raster;
  } catch (error) {
    if (!(error instanceof UnshakeError) || error.code !== 'FILE_NOT_FOUND') throw error;
    throw new UnshakeError(
      'FILE_NOT_FOUND',
      `The original photo ${path} is no longer there, and saving below the strength the deblur ran at blends with it. Put it back, or save at the deblur's strength.`,
    );
  }
}
