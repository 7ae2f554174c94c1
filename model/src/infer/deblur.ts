import { ort } from './ort.js';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { UnshakeError } from '../errors.js';
import { maxValue } from '../image/colour.js';
import { maskBounds } from '../image/mask-raster.js';
import type { RasterImage } from '../image/types.js';
import type { WorkingSpace } from '../image/working-space.js';
import type { ModelManifest } from '../models/manifest.js';
import { BandAccumulator } from './band-accumulator.js';
import { ProviderFallback } from './provider-fallback.js';
import type { EpPreference } from './session-manager.js';
import { readTile, type SampleImage } from './tile-io.js';
import { assertTileFits, chooseTileSize } from './tile-size.js';
import { planBands, roundUp, tileGeometry, type Rect } from './tiler.js';

export interface TileProgress {
  /** Tiles finished so far (1-based after the first tile). */
  tile: number;
  tiles: number;
}

export interface DeblurOptions {
  model: { manifest: ModelManifest; onnxPath: string };
  /** Per-pixel weight 0..1 (already rasterised and feathered); absent = whole image. */
  mask?: Float32Array;
  /** 0 = original, 1 = full network output. */
  strength: number;
  /**
   * The photo's RGB space when it is not sRGB (workingSpaceForSource): the network then sees
   * sRGB and its output is converted back. Absent: the samples are sRGB already.
   */
  workingSpace?: WorkingSpace | undefined;
  /** Window edge in pixels; default from the manifest and free memory (tile-size.ts). */
  tileSize?: number;
  preferredProvider?: EpPreference;
  /** ORT intra-op threads; default: every core. */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (p: TileProgress) => void;
}
export type DeblurRgbOptions = DeblurOptions;

export interface DeblurStats {
  executionProvider: ExecutionProviderInfo;
  tiles: number;
  tileSize: number;
  /** Seconds spent inside session.run (the network's own time). */
  networkSeconds: number;
  /** The streaming accumulator: the only image-sized float buffer, one band high. */
  accumulator: { rows: number; width: number; bytes: number };
}

export interface DeblurRasterResult extends DeblurStats {
  raster: RasterImage;
}

export interface DeblurRgbResult extends DeblurStats {
  rgb: Float32Array;
}

/**
 * Deblur a decoded raster in its own bit depth: result = original + strength × mask ×
 * (deblurred − original), alpha untouched. With `inPlace` the raster itself becomes the result
 * (no second copy of a 100 MP photo); it is then partly modified if the run fails or is cancelled.
 */
export async function deblurRaster(raster: RasterImage, options: DeblurOptions & { inPlace?: boolean }): Promise<DeblurRasterResult> {
  const { width, height, channels, pixels } = raster;
  validate(pixels.length, width * height * channels, width, height, options);
  const target = options.inPlace ? raster : { ...raster, pixels: pixels.slice() };
  const max = maxValue(raster.bitDepth);
  const stats = await streamDeblur({ width, height, channels, samples: pixels, max }, { width, height, channels, samples: target.pixels, max }, options);
  return { ...stats, raster: target };
}

/** The same on interleaved RGB floats 0..1 (tests, metrics); the input array is not modified. */
export async function deblurRgb(rgb: Float32Array, width: number, height: number, options: DeblurOptions): Promise<DeblurRgbResult> {
  validate(rgb.length, width * height * 3, width, height, options);
  const result = rgb.slice();
  const stats = await streamDeblur({ width, height, channels: 3, samples: rgb, max: 1 }, { width, height, channels: 3, samples: result, max: 1 }, options);
  return { ...stats, rgb: result };
}

/**
 * Tiles run band by band (top to bottom); each band's outputs are blended in a BandAccumulator
 * and rows no later window reads are written to `target` at once. Only tiles whose valid part
 * touches the mask run; every other pixel of `target` is left as it is.
 */
async function streamDeblur(source: SampleImage, target: SampleImage, options: DeblurOptions): Promise<DeblurStats> {
  const { manifest, onnxPath } = options.model;
  const sessionOptions = {
    manifest,
    ...(options.preferredProvider ? { preferred: options.preferredProvider } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
  };
  const sessions = await ProviderFallback.open(onnxPath, sessionOptions);
  try {
    const stats = await runTiles(source, target, options, sessions);
    // The provider that ran the last tile: the CPU after a graphics card failed midway.
    return { ...stats, executionProvider: sessions.executionProvider };
  } finally {
    await sessions.close();
  }
}

async function runTiles(source: SampleImage, target: SampleImage, options: DeblurOptions, sessions: ProviderFallback): Promise<DeblurStats> {
  const { manifest } = options.model;
  const { io } = manifest;
  const { width, height } = source;
  const geometry = tileGeometry({
    tileSize: chooseTileSize({ io, ...(options.tileSize ? { requested: options.tileSize } : {}) }),
    margin: io.receptiveFieldMargin,
    sizeMultiple: io.sizeMultiple,
  });
  assertTileFits(manifest, geometry.tileSize, width, height);
  const stats: DeblurStats = { executionProvider: sessions.executionProvider, tiles: 0, tileSize: geometry.tileSize, networkSeconds: 0, accumulator: { rows: 0, width: 0, bytes: 0 } };
  const region = options.mask ? maskBounds(options.mask, width, height) : { x: 0, y: 0, width, height };
  if (!region || options.strength === 0) return stats;

  const bands = planBands(width, height, region, geometry).map((b) => ({
    ...b,
    tiles: b.tiles.filter((t) => !options.mask || touchesMask(options.mask, width, t.valid)),
  }));
  const total = bands.reduce((n, b) => n + b.tiles.length, 0);
  const rows = Math.min(geometry.tileSize, height);
  const acc = new BandAccumulator(region, rows, bands[0]?.ySpan.start ?? 0);
  stats.accumulator = { rows, width: region.width, bytes: acc.data.byteLength };
  const blend = { strength: options.strength, mask: options.mask, workingSpace: options.workingSpace };
  const buffers = new TileBuffers();
  for (const [b, band] of bands.entries()) {
    for (const tile of band.tiles) {
      const padW = roundUp(tile.window.width, io.sizeMultiple);
      const padH = roundUp(tile.window.height, io.sizeMultiple);
      const { input, output } = buffers.get(padW, padH);
      readTile(source, tile.window, padW, padH, io.range, input, options.workingSpace);
      await throwIfCancelled(options.signal);
      const started = performance.now();
      await sessions.run((session) => runTile(session, manifest, input, output, padW, padH));
      stats.networkSeconds += (performance.now() - started) / 1000;
      if (!acc.add(output, padW, padH, tile, io.range)) {
        // Clamped, NaN became black and ±Infinity black or white: a photo that looked deblurred.
        throw new UnshakeError(
          'INFERENCE_FAILED',
          `The model "${manifest.id}" produced invalid values (not numbers, or infinite) instead of an image, so it cannot deblur photos. Use the base model, or remove this one.`,
        );
      }
      stats.tiles++;
      options.onProgress?.({ tile: stats.tiles, tiles: total });
    }
    // Rows above the next band's first window row are final and no longer read as input.
    acc.flush(bands[b + 1]?.ySpan.start ?? height, source, target, blend);
  }
  return stats;
}

/**
 * The last check before a tile's native run. ORT's session.run only queues that run with
 * setImmediate, and a cancel that came while the previous tile blocked the thread (a message from
 * main, a timer) is handled on the next turn of the event loop: after the run is queued, before
 * it starts, so that whole tile would still run. One turn first lets such a cancel in.
 */
async function throwIfCancelled(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new UnshakeError('CANCELLED', 'The deblur was cancelled.');
}

function validate(length: number, expected: number, width: number, height: number, options: DeblurOptions): void {
  const bad = (why: string): never => {
    throw new UnshakeError('INVALID_REQUEST', `Cannot deblur: ${why}.`);
  };
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) bad(`invalid size ${width}×${height}`);
  if (length !== expected) bad(`expected ${expected} samples, got ${length}`);
  if (options.mask && options.mask.length !== width * height) bad(`mask has ${options.mask.length} values for ${width * height} pixels`);
  if (!(options.strength >= 0 && options.strength <= 1)) bad(`strength must be between 0 and 1, got ${options.strength}`);
}

function touchesMask(mask: Float32Array, width: number, rect: Rect): boolean {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let i = y * width + rect.x; i < y * width + rect.x + rect.width; i++) if (mask[i]! > 0) return true;
  }
  return false;
}

/**
 * One input and one output buffer per tile shape, reused for every tile of a run (a run has at
 * most four shapes: interior, last column, last row, corner). ORT writes into the given output
 * tensor instead of allocating and copying one per tile: 10 % less time per 1024² tile, measured.
 */
class TileBuffers {
  private readonly byShape = new Map<string, { input: Float32Array; output: Float32Array }>();

  get(padW: number, padH: number): { input: Float32Array; output: Float32Array } {
    const key = `${padW}x${padH}`;
    let pair = this.byShape.get(key);
    if (!pair) {
      pair = { input: new Float32Array(3 * padW * padH), output: new Float32Array(3 * padW * padH) };
      this.byShape.set(key, pair);
    }
    return pair;
  }
}

async function runTile(session: ort.InferenceSession, manifest: ModelManifest, input: Float32Array, output: Float32Array, padW: number, padH: number): Promise<void> {
  const { inputName, outputName } = manifest.io;
  const dims = [1, 3, padH, padW];
  // NaN marks "not written yet": if a provider ignores the preallocated output it stays NaN.
  output[0] = Number.NaN;
  let returned: ort.Tensor | undefined;
  const feeds = { [inputName]: new ort.Tensor('float32', input, dims) };
  try {
    const fetches = { [outputName]: new ort.Tensor('float32', output, dims) };
    returned = (await session.run(feeds, fetches))[outputName];
  } catch (error) {
    // ORT refuses an output of another size than the preallocated one before returning it, in its
    // own words: run once more with an output ORT allocates, to say what the model returns. Only
    // then: a run that failed for lack of memory is not repeated.
    const reason = error instanceof Error ? error.message : String(error);
    const got = /shape/i.test(reason) ? await session.run(feeds).then((r) => r[outputName]?.dims, () => undefined) : undefined;
    if (got && !sameDims(got, dims)) throw wrongSize(manifest, got, dims);
    throw new UnshakeError('INFERENCE_FAILED', `The model "${manifest.id}" failed while processing a tile: ${reason}`, { cause: error });
  }
  if (!returned) throw new UnshakeError('INFERENCE_FAILED', `The model "${manifest.id}" returned nothing for a tile.`);
  if (!sameDims(returned.dims, dims)) throw wrongSize(manifest, returned.dims, dims);
  const data = returned.data;
  if (Number.isNaN(output[0]) && data instanceof Float32Array && data !== output && !Number.isNaN(data[0])) output.set(data);
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.join('x') === b.join('x');

/** What a model returned instead of a tile's own size and channels, in the user's words. */
function wrongSize(manifest: ModelManifest, got: readonly number[], dims: readonly number[]): UnshakeError {
  const what = got.length === 4 ? `a ${got[3]}×${got[2]} image${got[1] === 3 ? '' : ` with ${got[1]} channels`}` : `a ${got.join('×')} tensor`;
  return new UnshakeError(
    'INFERENCE_FAILED',
    `The model "${manifest.id}" returns ${what} for a ${dims[3]}×${dims[2]} tile; Unshake needs a model whose output is the same size as its input, with its 3 colour channels.`,
  );
}
