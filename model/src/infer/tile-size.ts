import os from 'node:os';
import { UnshakeError } from '../errors.js';
import type { ModelManifest } from '../models/manifest.js';
import { minimumTileSize, roundUp } from './tiler.js';

/**
 * Tile edge from the manifest's preferred size, capped so one tile's working set fits in a
 * share of free memory (and never more than MAX_TILE_BYTES), rounded down to the model's size
 * multiple. Low memory never takes it below the tiler's minimum (minimumTileSize): smaller
 * windows spend most of their pixels on overlap, and a ~40 MB tile is cheaper than that.
 *
 * ORT does not report a graph's activation memory, so the working set is estimated: input and
 * output (6 floats/px) plus ACTIVATION_FLOATS_PER_PIXEL for the intermediate tensors ORT keeps
 * alive at once. The base generator measured ~185 floats/px (740 bytes/px at 1024², RSS growth
 * of one session, docs/decisions.md); 256 leaves room for imported, wider models.
 */
export const ACTIVATION_FLOATS_PER_PIXEL = 256;
/** Share of free memory one tile may use: the decoded photo and the OS need the rest. */
const FREE_MEMORY_SHARE = 0.25;
/**
 * Absolute cap: with a 100 MP photo (300 MB raster at 8 bits, 600 MB at 16) plus ORT's arena
 * a bigger tile would break the 2 GB peak-RSS budget (issue 4). 1.25 GiB still admits 1024².
 */
export const MAX_TILE_BYTES = 1.25 * 1024 ** 3;
const MIN_TILE = 64;

export interface TileSizeInput {
  io: Pick<ModelManifest['io'], 'preferredTileSize' | 'sizeMultiple' | 'receptiveFieldMargin'>;
  /** Explicit request (CLI --tile-size, bench); still capped by memory. */
  requested?: number;
  freeBytes?: number;
}

export function tileBytes(edge: number, height = edge): number {
  return edge * height * 4 * (6 + ACTIVATION_FLOATS_PER_PIXEL);
}

/**
 * Memory a tile may draw on. Node's freemem is MemAvailable on Linux and what Windows calls
 * available, but on macOS only the free pages: a Mac in use keeps most of its memory as cache and
 * inactive pages it hands back on demand, so freemem there can read a few hundred MB, which gives
 * 276–356 px tiles (256² measured 1.47–1.70 s/MP against 0.88–0.95 at 1024², docs/decisions.md).
 * A quarter of the machine's memory is the floor there; not measured on a Mac.
 */
export function availableBytes(platform: NodeJS.Platform = process.platform, free = os.freemem(), total = os.totalmem()): number {
  return platform === 'darwin' ? Math.max(free, total / 4) : free;
}

export function chooseTileSize({ io, requested, freeBytes = availableBytes() }: TileSizeInput): number {
  const wanted = requested ?? io.preferredTileSize;
  // Never below the minimum for lack of memory: tiny tiles waste most of their pixels on margins.
  const floor = Math.max(MIN_TILE, minimumTileSize(io.receptiveFieldMargin, io.sizeMultiple));
  const budget = Math.min(freeBytes * FREE_MEMORY_SHARE, MAX_TILE_BYTES);
  const fits = Math.max(floor, Math.floor(Math.sqrt(budget / tileBytes(1))));
  const edge = Math.min(wanted, fits);
  return Math.max(io.sizeMultiple, Math.floor(edge / io.sizeMultiple) * io.sizeMultiple);
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/**
 * The floor in chooseTileSize may exceed the quarter of free memory a tile should use (a small
 * tile over budget beats tiny tiles), but not free memory itself or MAX_TILE_BYTES: a model whose
 * margin forces bigger windows than that is refused for this photo instead of run untiled (a
 * 1000-px margin ran a 6 MP photo as one window at 5.9 GB). Windows never exceed the photo.
 */
export function assertTileFits(
  model: Pick<ModelManifest, 'id' | 'io'>,
  tileSize: number,
  width: number,
  height: number,
  freeBytes = availableBytes(),
): void {
  const { sizeMultiple, receptiveFieldMargin } = model.io;
  const w = roundUp(Math.min(tileSize, width), sizeMultiple);
  const h = roundUp(Math.min(tileSize, height), sizeMultiple);
  const need = tileBytes(w, h);
  const limit = Math.min(freeBytes, MAX_TILE_BYTES);
  if (need <= limit) return;
  throw new UnshakeError(
    'IMAGE_TOO_LARGE',
    `The model "${model.id}" needs tiles of at least ${tileSize} px (its manifest's receptiveFieldMargin is ${receptiveFieldMargin} px), ` +
      `so this ${width}×${height} photo would run in ${w}×${h} px windows needing about ${gb(need)} each; ` +
      `at most ${gb(limit)} can be used for one tile here (${gb(freeBytes)} of memory is free). Free some memory, or use a model with a smaller margin.`,
  );
}
