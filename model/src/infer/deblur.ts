import ort from 'onnxruntime-node';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { UnshakeError } from '../errors.js';
import { maskBounds } from '../image/mask-raster.js';
import type { ModelManifest } from '../models/manifest.js';
import { getSession, type EpPreference } from './session-manager.js';
import { accumulateTile, blendIntoOriginal, clearRect, readTile } from './tile-io.js';
import { planTiles, roundUp, tileGeometry, type Rect } from './tiler.js';

export interface TileProgress {
  /** Tiles finished so far (1-based after the first tile). */
  tile: number;
  tiles: number;
}

export interface DeblurRgbOptions {
  model: { manifest: ModelManifest; onnxPath: string };
  /** Per-pixel weight 0..1 (already rasterised and feathered); absent = whole image. */
  mask?: Float32Array;
  /** 0 = original, 1 = full network output. */
  strength: number;
  /** Window edge in pixels; defaults to the manifest's preferred tile size. */
  tileSize?: number;
  preferredProvider?: EpPreference;
  signal?: AbortSignal;
  onProgress?: (p: TileProgress) => void;
}

export interface DeblurRgbResult {
  rgb: Float32Array;
  executionProvider: ExecutionProviderInfo;
  tiles: number;
}

/**
 * Run the generator tile by tile over the part of an interleaved RGB 0..1 image the mask
 * selects and blend it in: result = original + strength × mask × (deblurred − original).
 * The input array is not modified; memory is the output copy plus one tile.
 */
export async function deblurRgb(
  rgb: Float32Array,
  width: number,
  height: number,
  options: DeblurRgbOptions,
): Promise<DeblurRgbResult> {
  const { manifest, onnxPath } = options.model;
  validateInput(rgb, width, height, options);
  const { executionProvider, session } = await getSession(onnxPath, {
    manifest,
    ...(options.preferredProvider ? { preferred: options.preferredProvider } : {}),
  });
  const region = options.mask ? maskBounds(options.mask, width, height) : { x: 0, y: 0, width, height };
  const result = rgb.slice();
  if (!region) return { rgb: result, executionProvider, tiles: 0 };

  const { io } = manifest;
  const geometry = tileGeometry({
    tileSize: options.tileSize ?? io.preferredTileSize,
    margin: io.receptiveFieldMargin,
    sizeMultiple: io.sizeMultiple,
  });
  const tiles = planTiles(width, height, region, geometry).filter((t) => !options.mask || touchesMask(options.mask, width, t.valid));
  clearRect(result, width, region);
  for (const [index, tile] of tiles.entries()) {
    if (options.signal?.aborted) throw new UnshakeError('CANCELLED', 'The deblur was cancelled.');
    const padW = roundUp(tile.window.width, io.sizeMultiple);
    const padH = roundUp(tile.window.height, io.sizeMultiple);
    const input = readTile(rgb, width, height, tile.window, padW, padH, io.range);
    const output = await runTile(session, manifest, input, padW, padH);
    accumulateTile(result, width, output, padW, padH, tile, io.range);
    options.onProgress?.({ tile: index + 1, tiles: tiles.length });
  }
  // Skipped tiles lie where the mask is 0, so their pixels are restored from the original here.
  blendIntoOriginal(result, rgb, width, region, options.strength, options.mask);
  return { rgb: result, executionProvider, tiles: tiles.length };
}

function validateInput(rgb: Float32Array, width: number, height: number, options: DeblurRgbOptions): void {
  const bad = (why: string): never => {
    throw new UnshakeError('INVALID_REQUEST', `Cannot deblur: ${why}.`);
  };
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) bad(`invalid size ${width}×${height}`);
  if (rgb.length !== width * height * 3) bad(`expected ${width * height * 3} RGB values, got ${rgb.length}`);
  if (options.mask && options.mask.length !== width * height) bad(`mask has ${options.mask.length} values for ${width * height} pixels`);
  if (!(options.strength >= 0 && options.strength <= 1)) bad(`strength must be between 0 and 1, got ${options.strength}`);
}

function touchesMask(mask: Float32Array, width: number, rect: Rect): boolean {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let i = y * width + rect.x; i < y * width + rect.x + rect.width; i++) if (mask[i]! > 0) return true;
  }
  return false;
}

async function runTile(
  session: ort.InferenceSession,
  manifest: ModelManifest,
  input: Float32Array,
  padW: number,
  padH: number,
): Promise<Float32Array> {
  const { inputName, outputName } = manifest.io;
  let tensor: ort.Tensor | undefined;
  try {
    const feeds = { [inputName]: new ort.Tensor('float32', input, [1, 3, padH, padW]) };
    tensor = (await session.run(feeds))[outputName];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnshakeError('INFERENCE_FAILED', `The model "${manifest.id}" failed while processing a tile: ${reason}`, { cause: error });
  }
  const dims = tensor?.dims.join('x');
  if (!tensor || dims !== `1x3x${padH}x${padW}` || !(tensor.data instanceof Float32Array)) {
    throw new UnshakeError('INFERENCE_FAILED', `The model "${manifest.id}" returned ${dims ?? 'nothing'} for a 1x3x${padH}x${padW} tile.`);
  }
  return tensor.data;
}
