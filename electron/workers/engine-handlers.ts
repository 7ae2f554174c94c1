import { env as ortEnv } from 'onnxruntime-node';
import type { JobProgress } from '../common/job-state.js';
import { UnshakeError } from '../../model/src/errors.js';
import { decodeImage } from '../../model/src/image/decode.js';
import { encodeImage } from '../../model/src/image/encode.js';
import { readMetadataSummary } from '../../model/src/image/metadata.js';
import { keepShareOfChange } from '../../model/src/image/partial-result.js';
import { rasterFingerprint } from '../../model/src/image/provenance.js';
import { makeCrop, makePreview } from '../../model/src/image/preview.js';
import type { RasterImage, SourceMetadata } from '../../model/src/image/types.js';
import type { TileProgress } from '../../model/src/infer/deblur.js';
import { deblurFile } from '../../model/src/infer/deblur-file.js';
import { listModels, userModelFolder } from '../../model/src/models/library.js';
import { discardTrainingRun, planTrainingRun, train, trainingRuns } from './training-handlers.js';
import { modelDirs } from './worker-paths.js';
import {
  engineRequestSchemas,
  sourceFromWire,
  type EngineCommand,
  type EngineRequest,
  type EngineResponse,
} from './engine-protocol.js';

export interface CommandContext {
  signal: AbortSignal;
  onProgress: (progress: JobProgress) => void;
}

type Handler<T extends EngineCommand> = (request: EngineRequest<T>, context: CommandContext) => Promise<EngineResponse<T>>;

// Share of the progress bar given to decoding before the tiles and to writing after them.
const DECODE_SHARE = 0.05;
const WRITE_SHARE = 0.05;

/** The app's pixel limit is its Output panel's setting: IMAGE_TOO_LARGE says so (the CLI names its option). */
const APP_LIMIT_ADVICE = "Raise the limit (Largest photo, in the app's Output panel), or downscale the photo.";
const pixelLimit = (maxMegapixels: number) => ({ maxMegapixels, limitAdvice: APP_LIMIT_ADVICE });

const handlers: { [T in EngineCommand]: Handler<T> } = {
  info: async () => ({ runtime: 'onnxruntime-node', version: ortEnv.versions.node ?? ortEnv.versions.common }),
  inspect: async ({ path, maxMegapixels }) => readMetadataSummary(path, pixelLimit(maxMegapixels)),
  preview: async ({ path, maxEdge, maxMegapixels }) => {
    const preview = await makePreview(path, maxEdge, pixelLimit(maxMegapixels));
    return { jpeg: new Uint8Array(preview.jpeg), width: preview.width, height: preview.height };
  },
  crop: async ({ path, region, maxMegapixels }) => {
    const crop = await makeCrop(path, region, pixelLimit(maxMegapixels));
    return { jpeg: new Uint8Array(crop.jpeg), width: crop.width, height: crop.height };
  },
  // The editor's deblur: a lossless PNG result in the photo's own depth and space, to be saved in
  // the user's format later; its metadata goes back to main for that save.
  deblur: async (request, { signal, onProgress }) => {
    onProgress({ fraction: 0, stage: 'Decoding' });
    const result = await deblurFile(request.path, {
      ...modelDirs(request.userModelsDir),
      outPath: request.outPath,
      modelId: request.modelId,
      strength: request.strength,
      ...(request.mask ? { mask: request.mask } : {}),
      format: 'png',
      overwrite: true,
      ...pixelLimit(request.maxMegapixels),
      preferredProvider: request.preferredProvider,
      signal,
      onProgress: tileStages(onProgress),
    });
    return { outPath: result.outPath, width: result.width, height: result.height, tiles: result.tiles, executionProvider: result.executionProvider, source: result.source };
  },
  // A batch photo: straight to its result file in the user's format, never over a file.
  deblurTo: async (request, { signal, onProgress }) => {
    onProgress({ fraction: 0, stage: 'Decoding' });
    const result = await deblurFile(request.path, {
      ...modelDirs(request.userModelsDir),
      outPath: request.outPath,
      modelId: request.modelId,
      strength: request.strength,
      format: request.format,
      quality: request.quality,
      overwrite: false,
      ...pixelLimit(request.maxMegapixels),
      preferredProvider: request.preferredProvider,
      signal,
      onProgress: tileStages(onProgress),
    });
    return { outPath: result.outPath, bytes: result.bytes, executionProvider: result.executionProvider, notes: result.notes };
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
  models: async ({ userModelsDir }) => listModels(modelDirs(userModelsDir)),
  modelFolder: async ({ userModelsDir, modelId }) => ({ folder: await userModelFolder(modelId, modelDirs(userModelsDir)) }),
  train,
  planTrainingRun,
  trainingRuns,
  discardTrainingRun,
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

/** Tile progress as the job's: decoding before the tiles, writing the file after them. */
function tileStages(onProgress: CommandContext['onProgress']): (progress: TileProgress) => void {
  return ({ tile, tiles }) => {
    onProgress({ fraction: DECODE_SHARE + (1 - DECODE_SHARE - WRITE_SHARE) * (tile / Math.max(tiles, 1)), stage: `Tile ${tile} of ${tiles}` });
    if (tile === tiles) onProgress({ fraction: 1 - WRITE_SHARE, stage: 'Writing result' });
  };
}

/** Validate one request's payload, then run it. Bad payloads are INVALID_REQUEST replies. */
export async function runEngineCommand(command: EngineCommand, payload: unknown, context: CommandContext): Promise<unknown> {
  const parsed = engineRequestSchemas[command].safeParse(payload);
  if (!parsed.success) {
    throw new UnshakeError('INVALID_REQUEST', `Bad ${command} request for the engine: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  const handler = handlers[command] as Handler<EngineCommand>;
  return handler(parsed.data as never, context);
}
