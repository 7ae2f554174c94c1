import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { UnshakeError } from '../errors.js';
import { isGray, toNetworkRgb } from '../image/colour.js';
import { decodeImage } from '../image/decode.js';
import type { ProbeOptions } from '../image/probe.js';
import type { DecodedImage, RasterImage } from '../image/types.js';
import { workingSpaceForSource } from '../image/working-space.js';
import { deblurRaster, type DeblurOptions } from '../infer/deblur.js';
import type { ResolvedModel } from '../models/library.js';
import { luminance, psnr, ssim } from './metrics.js';
import type { ImagePair } from './pairs.js';

export interface QualityScores {
  psnr: number;
  /** SSIM averaged over colour channels (one channel for gray images). */
  ssim: number;
  /** SSIM of BT.601 luma (equals `ssim` for gray images). */
  ssimY: number;
}

export interface PairResult {
  name: string;
  width: number;
  height: number;
  input: QualityScores;
  output: QualityScores;
  seconds: number;
}

export interface EvalOptions {
  model: ResolvedModel;
  tileSize?: number;
  preferredProvider?: DeblurOptions['preferredProvider'];
  /** The largest photo to decode, and what IMAGE_TOO_LARGE advises (default: the engine's). */
  pixelLimit?: ProbeOptions;
  signal?: AbortSignal;
  onPair?: (result: PairResult, index: number, total: number) => void;
  /** A pair that cannot be scored (damaged, missing, sizes differ): left out, the others go on. */
  onSkip?: (skipped: SkippedPair, index: number, total: number) => void;
}

export interface SkippedPair {
  name: string;
  reason: string;
}

/**
 * Score the model on blurred/sharp pairs through the same engine as the app: the output is
 * quantised to the file's bit depth (as a saved result would be) before it is compared.
 */
export async function evaluatePairs(
  pairs: ImagePair[],
  options: EvalOptions,
): Promise<{ results: PairResult[]; skipped: SkippedPair[]; executionProvider: ExecutionProviderInfo | null }> {
  const results: PairResult[] = [];
  const skipped: SkippedPair[] = [];
  let executionProvider: ExecutionProviderInfo | null = null;
  for (const [index, pair] of pairs.entries()) {
    let loaded: [DecodedImage, DecodedImage];
    try {
      loaded = await Promise.all([decodeImage(pair.blurred, options.pixelLimit), decodeImage(pair.sharp, options.pixelLimit)]);
      const [{ raster: b }, { raster: s }] = loaded;
      if (b.width !== s.width || b.height !== s.height) {
        throw new UnshakeError('INVALID_REQUEST', `the blurred image is ${b.width}×${b.height} and the sharp one ${s.width}×${s.height}; a pair must be the same size.`);
      }
    } catch (error) {
      // One bad pair is reported and left out, as training does: the scores of the rest stand.
      if (!(error instanceof UnshakeError) || error.code === 'CANCELLED') throw error;
      const left = { name: pair.name, reason: error.message };
      skipped.push(left);
      options.onSkip?.(left, index, pairs.length);
      continue;
    }
    const [blurred, sharp] = loaded;
    const { raster } = blurred;
    const started = performance.now();
    // Quantised to the file's bit depth, as a saved result would be.
    const deblurred = await deblurRaster(raster, {
      model: options.model,
      workingSpace: workingSpaceForSource(blurred.source, raster.channels),
      strength: 1,
      tileSize: options.tileSize,
      preferredProvider: options.preferredProvider,
      signal: options.signal,
    });
    const seconds = (performance.now() - started) / 1000;
    executionProvider = deblurred.executionProvider;
    const output = deblurred.raster;
    const result: PairResult = {
      name: pair.name,
      width: raster.width,
      height: raster.height,
      input: scores(raster, sharp.raster),
      output: scores(output, sharp.raster),
      seconds,
    };
    results.push(result);
    options.onPair?.(result, index, pairs.length);
  }
  return { results, skipped, executionProvider };
}

/**
 * Colour samples in 0..1 without alpha: 1 channel for gray, 3 for RGB. With `asRgb`, gray is
 * copied to R, G and B, as the network sees it (toNetworkRgb).
 */
function colourSamples(raster: RasterImage, asRgb: boolean): { data: Float32Array; channels: 1 | 3 } {
  if (asRgb || !isGray(raster)) return { data: toNetworkRgb(raster), channels: 3 };
  const max = raster.bitDepth === 16 ? 65535 : 255;
  const data = new Float32Array(raster.width * raster.height);
  for (let i = 0; i < data.length; i++) data[i] = raster.pixels[i * raster.channels]! / max;
  return { data, channels: 1 };
}

/**
 * Gray against gray is scored on the one channel; when only one side is gray (a pair saved by
 * different tools), both are scored as RGB with the gray one expanded, as the engine runs gray.
 */
function scores(image: RasterImage, reference: RasterImage): QualityScores {
  const asRgb = !isGray(image) || !isGray(reference);
  const a = colourSamples(image, asRgb);
  const b = colourSamples(reference, asRgb);
  const { width: w, height: h } = image;
  const ssimRgb = ssim(a.data, b.data, w, h, a.channels);
  return {
    psnr: psnr(a.data, b.data, 1),
    ssim: ssimRgb,
    ssimY: a.channels === 1 ? ssimRgb : ssim(luminance(a.data), luminance(b.data), w, h, 1),
  };
}
