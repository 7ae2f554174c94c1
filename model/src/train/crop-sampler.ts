import { withEndMarkerRepair } from '../image/jpeg-end-marker.js';
import { CAMERA_FILES } from '../image/probe.js';
import type { Region, TrainingPair } from './pairs.js';
import type { Rng } from './random.js';
import { rgbToNetwork } from './tensor-image.js';

/**
 * Streams random training crops: each batch picks pairs at random, decodes them upright (only
 * a few decoded pairs are cached, so a folder of 500 × 24 MP photos never sits in memory),
 * cuts the same random square from both, and applies the same flip / rot90 to both.
 */
export interface CropBatch {
  /** NHWC float32 in [-1, 1], shape [batch, crop, crop, 3]. */
  blurred: Float32Array;
  sharp: Float32Array;
  shape: [number, number, number, number];
}

interface Decoded {
  blurred: Uint8Array;
  sharp: Uint8Array;
  width: number;
  height: number;
}

export async function decodeRegion(file: string, r: Region): Promise<Uint8Array> {
  const data = await withEndMarkerRepair(file, CAMERA_FILES, (image) => image.rotate().extract(r).removeAlpha().toColourspace('srgb').raw().toBuffer());
  return new Uint8Array(data);
}

/** Square crop of an interleaved RGB image. */
function cut(src: Uint8Array, width: number, left: number, top: number, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) out.set(src.subarray(((top + y) * width + left) * 3, ((top + y) * width + left + size) * 3), y * size * 3);
  return out;
}

/** Mirror left-right, then rotate by 90° clockwise `quarterTurns` times (square RGB crop). */
export function augment(src: Uint8Array, size: number, mirror: boolean, quarterTurns: number): Uint8Array {
  let cur = src;
  if (mirror) {
    cur = new Uint8Array(src.length);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) cur.set(src.subarray((y * size + size - 1 - x) * 3, (y * size + size - x) * 3), (y * size + x) * 3);
  }
  for (let k = 0; k < quarterTurns % 4; k++) {
    const next = new Uint8Array(cur.length);
    // clockwise: out(y, x) = in(size-1-x, y)
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) next.set(cur.subarray(((size - 1 - x) * size + y) * 3, ((size - 1 - x) * size + y + 1) * 3), (y * size + x) * 3);
    cur = next;
  }
  return cur;
}

export class CropSampler {
  private readonly cache = new Map<string, Decoded>();

  constructor(
    private readonly pairs: readonly TrainingPair[],
    private readonly options: { crop: number; batch: number; rng: Rng; cacheSize?: number },
  ) {
    if (pairs.length === 0) throw new Error('CropSampler needs at least one pair');
  }

  private async load(pair: TrainingPair): Promise<Decoded> {
    // Keyed by the files, not the display name: two index.tsv rows may share a file name.
    const key = `${pair.blurred}\n${pair.sharp}`;
    const hit = this.cache.get(key);
    if (hit) {
      // LRU: re-insert so Map order tracks recency.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const [blurred, sharpPx] = await Promise.all([decodeRegion(pair.blurred, pair.blurRegion), decodeRegion(pair.sharp, pair.sharpRegion)]);
    const decoded = { blurred, sharp: sharpPx, width: pair.blurRegion.width, height: pair.blurRegion.height };
    this.cache.set(key, decoded);
    while (this.cache.size > (this.options.cacheSize ?? 2)) this.cache.delete(this.cache.keys().next().value!);
    return decoded;
  }

  /** Number of decoded pairs held right now (bounded by cacheSize). */
  get cachedPairs(): number {
    return this.cache.size;
  }

  async nextBatch(): Promise<CropBatch> {
    const { crop, batch, rng } = this.options;
    return assembleBatch(crop, batch, rng, async () => {
      const d = await this.load(this.pairs[rng.int(this.pairs.length)]!);
      const left = rng.int(d.width - crop + 1);
      const top = rng.int(d.height - crop + 1);
      return { blurred: cut(d.blurred, d.width, left, top, crop), sharp: cut(d.sharp, d.width, left, top, crop) };
    });
  }
}

/**
 * A batch from `draw` (one square RGB crop pair per call), each pair given the same random
 * mirror / rot90, drawn from `rng` after the crop so every sampler consumes the stream alike.
 */
export async function assembleBatch(
  crop: number,
  batch: number,
  rng: Rng,
  draw: () => Promise<{ blurred: Uint8Array; sharp: Uint8Array }>,
): Promise<CropBatch> {
  const per = crop * crop * 3;
  const blurred = new Float32Array(batch * per);
  const sharpOut = new Float32Array(batch * per);
  for (let i = 0; i < batch; i++) {
    const pair = await draw();
    const mirror = rng.next() < 0.5;
    const turns = rng.int(4);
    blurred.set(rgbToNetwork(augment(pair.blurred, crop, mirror, turns)), i * per);
    sharpOut.set(rgbToNetwork(augment(pair.sharp, crop, mirror, turns)), i * per);
  }
  return { blurred, sharp: sharpOut, shape: [batch, crop, crop, 3] };
}

/** Centre crop (edge a multiple of 4, at most `size`) of a held-out pair, for validation scores. */
export async function validationCrop(pair: TrainingPair, size: number): Promise<{ blurred: Uint8Array; sharp: Uint8Array; edge: number }> {
  const edge = Math.floor(Math.min(size, pair.blurRegion.width, pair.blurRegion.height) / 4) * 4;
  const centre = (r: Region): Region => ({ left: r.left + Math.floor((r.width - edge) / 2), top: r.top + Math.floor((r.height - edge) / 2), width: edge, height: edge });
  const [blurred, sharpPx] = await Promise.all([decodeRegion(pair.blurred, centre(pair.blurRegion)), decodeRegion(pair.sharp, centre(pair.sharpRegion))]);
  return { blurred, sharp: sharpPx, edge };
}
