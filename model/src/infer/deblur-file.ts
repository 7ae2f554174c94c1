import { access } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import type { RegionMask } from '../../../electron/common/mask.js';
import type { OutputFormat } from '../../../electron/common/settings-schema.js';
import { UnshakeError } from '../errors.js';
import { fromNetworkRgb, toNetworkRgb } from '../image/colour.js';
import { decodeImage } from '../image/decode.js';
import { defaultOutputPath, encodeImage } from '../image/encode.js';
import { rasteriseMask } from '../image/mask-raster.js';
import { BASE_MODEL_ALIAS, resolveModel } from '../models/library.js';
import { deblurRgb, type TileProgress } from './deblur.js';
import type { EpPreference } from './session-manager.js';

export interface DeblurFileOptions {
  /** Absent: next to the original with the default suffix. */
  outPath?: string;
  modelId?: string;
  strength?: number;
  mask?: RegionMask;
  format?: OutputFormat;
  quality?: number;
  overwrite?: boolean;
  maxMegapixels?: number;
  tileSize?: number;
  userModelsDir?: string;
  preferredProvider?: EpPreference;
  signal?: AbortSignal;
  onProgress?: (p: TileProgress) => void;
}

export interface DeblurFileResult {
  outPath: string;
  bytes: number;
  executionProvider: ExecutionProviderInfo;
  seconds: number;
  tiles: number;
  width: number;
  height: number;
  model: { id: string; name: string; placeholder: boolean };
}

const EXTENSIONS: Record<Exclude<OutputFormat, 'same'>, string> = { jpeg: '.jpg', png: '.png', tiff: '.tif', webp: '.webp' };

/** decode → network RGB → tiled deblur → back to the file's bit depth → atomic encode. */
export async function deblurFile(inPath: string, options: DeblurFileOptions = {}): Promise<DeblurFileResult> {
  const started = performance.now();
  const format = options.format ?? 'same';
  const outPath = path.resolve(
    options.outPath ?? defaultOutputPath(inPath, undefined, format === 'same' ? undefined : EXTENSIONS[format]),
  );
  // Fail before minutes of work, not after; the encoder checks again (links included) when it writes.
  if (path.resolve(inPath) === outPath) {
    throw new UnshakeError('OUTPUT_EXISTS', `${path.basename(outPath)} is the original photo; Unshake never writes over an original.`);
  }
  if (!options.overwrite && (await exists(outPath))) {
    throw new UnshakeError('OUTPUT_EXISTS', `${outPath} already exists; pass overwrite to replace it.`);
  }
  const model = await resolveModel(options.modelId ?? BASE_MODEL_ALIAS, { userModelsDir: options.userModelsDir });
  const { raster, source } = await decodeImage(inPath, { maxMegapixels: options.maxMegapixels });
  const mask = options.mask ? rasteriseMask(options.mask, raster.width, raster.height) : undefined;
  const result = await deblurRgb(toNetworkRgb(raster), raster.width, raster.height, {
    model,
    mask,
    strength: options.strength ?? 1,
    tileSize: options.tileSize,
    preferredProvider: options.preferredProvider,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  if (options.signal?.aborted) throw new UnshakeError('CANCELLED', 'The deblur was cancelled.');
  const written = await encodeImage(fromNetworkRgb(result.rgb, raster), source, {
    path: outPath,
    format,
    quality: options.quality,
    overwrite: options.overwrite ?? false,
  });
  return {
    outPath: written.path,
    bytes: written.bytes,
    executionProvider: result.executionProvider,
    seconds: (performance.now() - started) / 1000,
    tiles: result.tiles,
    width: raster.width,
    height: raster.height,
    model: { id: model.manifest.id, name: model.manifest.name, placeholder: model.manifest.placeholder },
  };
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
