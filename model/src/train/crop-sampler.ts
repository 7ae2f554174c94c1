import { withEndMarkerRepair } from '../image/jpeg-end-marker.js';
import { CAMERA_FILES } from '../image/probe.js';
import type { Region, TrainingPair } from './pairs.js';
import { decodedBytes, PairRotation, rotationPlan, type RotationPlan } from './pair-rotation.js';
import type { Rng } from './random.js';
import { rgbToNetwork } from './tensor-image.js';

/**
 * Streams random training crops: each crop comes from a pair the rotation (pair-rotation.ts)
 * names, decoded upright once per visit and held within a memory budget (so a folder of
 * 500 × 24 MP photos never sits in memory, and a step does not wait on two full decodes per
 * crop); the same random square is cut from both, with the same flip / rot90.
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
  // A view, not a copy: a 24 MP region is 72 MB.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
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

export interface CropSamplerOptions {
  crop: number;
  batch: number;
  rng: Rng;
  /** The run's seed: it orders the pairs (pair-rotation.ts). Default 1. */
  seed?: number;
  /** Batches the run has already trained on (a resumed run's step). Default 0. */
  startBatch?: number;
  /** Bytes of decoded pairs held at once (default DECODED_PAIRS_BUDGET). */
  memoryBytes?: number;
}

export class CropSampler {
  private readonly decoded = new Map<number, Promise<Decoded>>();
  private readonly rotation: PairRotation;
  private readonly plan: RotationPlan;
  private batchIndex: number;
  private decodeCount = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pairs: readonly TrainingPair[],
    private readonly options: CropSamplerOptions,
  ) {
    if (pairs.length === 0) throw new Error('CropSampler needs at least one pair');
    this.plan = rotationPlan(pairs.map((p) => decodedBytes(p.blurRegion)), options.batch, options.memoryBytes);
    this.rotation = new PairRotation(pairs.length, this.plan, options.batch, options.seed ?? 1);
    this.batchIndex = options.startBatch ?? 0;
  }

  /** The pair's decoded regions, decoding them once while the rotation holds the pair. */
  private load(index: number): Promise<Decoded> {
    const hit = this.decoded.get(index);
    if (hit) return hit;
    const pair = this.pairs[index]!;
    this.decodeCount++;
    const decoding = Promise.all([decodeRegion(pair.blurred, pair.blurRegion), decodeRegion(pair.sharp, pair.sharpRegion)])
      .then(([blurred, sharpPx]) => ({ blurred, sharp: sharpPx, width: pair.blurRegion.width, height: pair.blurRegion.height }));
    // A pair decoded ahead may fail before a batch waits on it: the batch that needs it reports it.
    decoding.catch(() => {});
    this.decoded.set(index, decoding);
    return decoding;
  }

  /** Lets go of pairs no slot holds now or needs next (unless every pair fits the budget). */
  private keepOnly(keep: Set<number>): void {
    if (this.plan.allFit) return;
    for (const index of [...this.decoded.keys()]) if (!keep.has(index)) this.decoded.delete(index);
  }

  /** Number of decoded pairs held right now (bounded by the memory budget). */
  get cachedPairs(): number {
    return this.decoded.size;
  }

  /** Pair decodes so far (each reads both files at full resolution). */
  get decodes(): number {
    return this.decodeCount;
  }

  /** Batches are made one after another, in call order, so the stream is the same however they are awaited. */
  nextBatch(): Promise<CropBatch> {
    const b = this.batchIndex++;
    const next = this.queue.then(() => this.batchAt(b));
    this.queue = next.catch(() => {});
    return next;
  }

  private async batchAt(b: number): Promise<CropBatch> {
    const { crop, batch, rng } = this.options;
    const change = this.rotation.nextChange(b);
    const ahead = [...this.rotation.used(b + 1), change.pair];
    this.keepOnly(new Set([...this.rotation.held(b), ...ahead]));
    for (const index of [...this.rotation.used(b), ...ahead]) void this.load(index);
    let i = 0;
    return assembleBatch(crop, batch, rng, async () => {
      const d = await this.load(this.rotation.pairOfCrop(b, i++));
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
