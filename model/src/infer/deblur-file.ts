import path from 'node:path';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import type { RegionMask } from '../../../electron/common/mask.js';
import type { OutputFormat } from '../../../electron/common/settings-schema.js';
import { UnshakeError } from '../errors.js';
import { decodeImage } from '../image/decode.js';
import { checkOutput, checkOutputFolder, defaultOutputPath, encodeImage } from '../image/encode.js';
import { resolveOutputFormat, type WritableFormat } from '../image/formats.js';
import { withFreeDefaultName } from '../image/free-output-name.js';
import { assertMaskSelectsPixels, rasteriseMask } from '../image/mask-raster.js';
import { rasterFingerprint } from '../image/provenance.js';
import { resultNotes } from '../image/result-notes.js';
import type { SourceMetadata } from '../image/types.js';
import { workingSpaceForSource } from '../image/working-space.js';
import { BASE_MODEL_ALIAS, resolveModel } from '../models/library.js';
import { deblurRaster, type DeblurStats, type TileProgress } from './deblur.js';
import type { EpPreference } from './session-manager.js';
import { minimumTileSize } from './tiler.js';

export interface DeblurFileOptions {
  /** Absent: next to the original with `suffix`. */
  outPath?: string;
  /**
   * `outPath` is the default name, not one the user chose (the CLI without --out names it early
   * for its Ctrl-C cleanup): when another save takes it meanwhile, the next free default name is
   * used instead of failing, and onOutPath hears of it. Always so when `outPath` is absent.
   */
  outPathIsDefault?: boolean;
  onOutPath?: (outPath: string) => void;
  /** What a default name adds to the photo's (default "-unshaken"): the settings' outputSuffix, the CLI's --suffix. */
  suffix?: string;
  modelId?: string;
  strength?: number;
  mask?: RegionMask;
  format?: OutputFormat;
  quality?: number;
  /** `quality` was asked for (the command line's --quality): written as asked, even below a JPEG photo's own (jpeg-quality.ts). */
  exactQuality?: boolean;
  overwrite?: boolean;
  maxMegapixels?: number;
  /** IMAGE_TOO_LARGE's advice: where the caller's limit is set (probe.ts). */
  limitAdvice?: string;
  tileSize?: number;
  threads?: number;
  userModelsDir?: string;
  /** Where the shipped models are when not next to this source (the packed app's worker). */
  bundledDir?: string;
  preferredProvider?: EpPreference;
  signal?: AbortSignal;
  onProgress?: (p: TileProgress) => void;
  /** Called before any work when `tileSize` is below the model's minimum and is raised to it. */
  onTileSizeRaised?: (raised: { requested: number; used: number; margin: number }) => void;
}

export interface DeblurFileResult {
  outPath: string;
  bytes: number;
  executionProvider: ExecutionProviderInfo;
  seconds: number;
  /** Where the time went (seconds): the network's own share is `networkSeconds`. */
  timings: { decode: number; deblur: number; encode: number; networkSeconds: number };
  tiles: number;
  tileSize: number;
  accumulator: DeblurStats['accumulator'];
  width: number;
  height: number;
  model: { id: string; name: string; placeholder: boolean };
  /** The original as read (format, profile, EXIF): what a later save of this result keeps. */
  source: SourceMetadata;
  /** What the written file leaves out of the photo, in words (image/result-notes.ts). */
  notes: string[];
}

/**
 * decode → streaming tiled deblur in the file's own bit depth, in place (one copy of the photo in
 * memory) → atomic encode. On failure or cancel nothing is written.
 */
export async function deblurFile(inPath: string, options: DeblurFileOptions = {}): Promise<DeblurFileResult> {
  const started = performance.now();
  const format = options.format ?? 'same';
  // "Same" as the decoded photo's content says, once known (a PNG named x.jpg is written as PNG, as Save names it).
  let sameAs: WritableFormat | undefined = undefined;
  const defaultName = () => path.resolve(defaultOutputPath(inPath, options.suffix, format === 'same' ? sameAs : format));
  let outPath = path.resolve(options.outPath ?? defaultName());
  const isDefault = options.outPath === undefined || options.outPathIsDefault === true;
  // A default name was free when chosen, so it never replaces a file: one taken meanwhile (two
  // deblurs of one photo at once) moves on to the next free name.
  const overwrite = !isDefault && (options.overwrite ?? false);
  const toFreeName = <T>(write: (outPath: string) => Promise<T>): Promise<T> =>
    isDefault
      ? withFreeDefaultName(outPath, defaultName, write, (moved) => {
          outPath = moved;
          options.onOutPath?.(moved);
        })
      : write(outPath);
  // Fail before minutes of work, not after; the encoder checks again (links included) when it writes.
  if (path.resolve(inPath) === outPath) {
    throw new UnshakeError('OUTPUT_EXISTS', `${path.basename(outPath)} is the original photo; Unshake never writes over an original.`);
  }
  const model = await resolveModel(options.modelId ?? BASE_MODEL_ALIAS, { userModelsDir: options.userModelsDir, ...(options.bundledDir ? { bundledDir: options.bundledDir } : {}) });
  const { receptiveFieldMargin: margin, sizeMultiple } = model.manifest.io;
  const minimumTile = minimumTileSize(margin, sizeMultiple);
  if (options.tileSize !== undefined && options.tileSize < minimumTile) {
    options.onTileSizeRaised?.({ requested: options.tileSize, used: minimumTile, margin });
  }
  // A locked card or a folder deleted is said before the decode, not after it.
  await checkOutputFolder(outPath);
  const decodeStart = performance.now();
  const read = await decodeImage(inPath, { maxMegapixels: options.maxMegapixels, limitAdvice: options.limitAdvice });
  const { raster } = read;
  // Which pixels the result is of, recorded in it (provenance.ts): hashed here, before the network
  // changes them in place.
  const source = { ...read.source, pixels: rasterFingerprint(raster) };
  const decoded = performance.now();
  sameAs = resolveOutputFormat(source.format, 'same');
  if (options.outPath === undefined) outPath = defaultName();
  await toFreeName((target) => checkOutput(target, source, { format, overwrite }));
  const mask = options.mask ? rasteriseMask(options.mask, raster.width, raster.height) : undefined;
  if (options.mask && mask) assertMaskSelectsPixels(options.mask, mask, raster.width, raster.height);
  const result = await deblurRaster(raster, {
    model,
    mask,
    workingSpace: workingSpaceForSource(source, raster.channels),
    strength: options.strength ?? 1,
    tileSize: options.tileSize,
    threads: options.threads,
    preferredProvider: options.preferredProvider,
    signal: options.signal,
    onProgress: options.onProgress,
    inPlace: true,
  });
  if (options.signal?.aborted) throw new UnshakeError('CANCELLED', 'The deblur was cancelled.');
  const deblurred = performance.now();
  const written = await toFreeName((target) =>
    encodeImage(result.raster, source, { path: target, format, quality: options.quality, exactQuality: options.exactQuality, overwrite, signal: options.signal }),
  );
  const done = performance.now();
  return {
    outPath: written.path,
    bytes: written.bytes,
    executionProvider: result.executionProvider,
    seconds: (done - started) / 1000,
    timings: {
      decode: (decoded - decodeStart) / 1000,
      deblur: (deblurred - decoded) / 1000,
      encode: (done - deblurred) / 1000,
      networkSeconds: result.networkSeconds,
    },
    tiles: result.tiles,
    tileSize: result.tileSize,
    accumulator: result.accumulator,
    width: raster.width,
    height: raster.height,
    model: { id: model.manifest.id, name: model.manifest.name, placeholder: model.manifest.placeholder },
    source,
    notes: resultNotes(source, resolveOutputFormat(source.format, format, written.path), options),
  };
}
