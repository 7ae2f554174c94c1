import { ort } from '../../model/src/infer/ort.js';
import { graphicsProviders } from '../../model/src/infer/provider-chain.js';
import type { TileProgress } from '../../model/src/infer/deblur.js';
import { deblurFile, type DeblurFileOptions } from '../../model/src/infer/deblur-file.js';
import { pixelLimit, type CommandContext, type Handlers } from './command-context.js';
import type { EngineRequest } from './engine-protocol.js';
import { modelDirs } from './worker-paths.js';

// Share of the progress bar given to decoding before the tiles and to writing after them.
const DECODE_SHARE = 0.05;
const WRITE_SHARE = 0.05;

/** The commands that run the network: the only ones that load onnxruntime-node (besides training's). */
export const deblurHandlers: Handlers<'info' | 'deblur' | 'deblurTo'> = {
  info: async () => ({
    runtime: 'onnxruntime-node',
    version: ort.env.versions.node ?? ort.env.versions.common,
    // Only what this build has, from the binding's list: no session is loaded to learn it.
    graphics: graphicsProviders().map(({ name, bundled }) => ({ name, bundled })),
  }),
  // The editor's deblur: a lossless PNG result in the photo's own depth and space, to be saved in
  // the user's format later; its metadata goes back to main for that save.
  deblur: async (request, context) => {
    const own = { format: 'png', overwrite: true, ...(request.mask ? { mask: request.mask } : {}) } as const;
    const result = await deblurForJob(request, context, own);
    return { outPath: result.outPath, width: result.width, height: result.height, tiles: result.tiles, executionProvider: result.executionProvider, source: result.source };
  },
  // A batch photo: straight to its result file in the user's format, never over a file.
  deblurTo: async (request, context) => {
    const result = await deblurForJob(request, context, { format: request.format, quality: request.quality, overwrite: false });
    return { outPath: result.outPath, bytes: result.bytes, executionProvider: result.executionProvider, notes: result.notes };
  },
};

/** What both commands pass alike (photo, model, strength, limit, provider, progress); `own` is what differs. */
function deblurForJob(request: EngineRequest<'deblur' | 'deblurTo'>, { signal, onProgress }: CommandContext, own: DeblurFileOptions) {
  onProgress({ fraction: 0, stage: 'Decoding' });
  return deblurFile(request.path, {
    ...modelDirs(request.userModelsDir),
    outPath: request.outPath,
    modelId: request.modelId,
    strength: request.strength,
    ...pixelLimit(request.maxMegapixels),
    preferredProvider: request.preferredProvider,
    signal,
    onProgress: tileStages(onProgress),
    ...own,
  });
}

/** Tile progress as the job's: decoding before the tiles, writing the file after them. */
function tileStages(onProgress: CommandContext['onProgress']): (progress: TileProgress) => void {
  return ({ tile, tiles }) => {
    onProgress({ fraction: DECODE_SHARE + (1 - DECODE_SHARE - WRITE_SHARE) * (tile / Math.max(tiles, 1)), stage: `Tile ${tile} of ${tiles}` });
    if (tile === tiles) onProgress({ fraction: 1 - WRITE_SHARE, stage: 'Writing result' });
  };
}
