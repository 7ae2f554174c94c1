import type { WorkingSpace } from '../image/working-space.js';
import type { SampleImage, ValueRange } from './tile-io.js';
import { isGraySamples, pixelInSrgb } from './tile-io.js';
import type { Rect, Tile } from './tiler.js';

/**
 * The only float image buffer of the streaming engine: weighted network outputs for the rows
 * of one band of tiles (at most one window high) across the region's width. Rows that no later
 * band can touch are blended into the target in its own bit depth and the window slides down,
 * so memory is tileSize × regionWidth × 12 bytes whatever the image height.
 */
export interface BlendSettings {
  /** 0 = original, 1 = full network output. */
  strength: number;
  /** Per-pixel weight 0..1 over the whole image; absent = 1 everywhere. */
  mask: Float32Array | undefined;
  /** The photo's own space when it is not sRGB: the network's sRGB output is converted back. */
  workingSpace?: WorkingSpace | undefined;
}

export class BandAccumulator {
  readonly data: Float32Array;
  /** Image row stored at the accumulator's row 0. */
  private top: number;
  private readonly rowLength: number;

  constructor(
    private readonly region: Rect,
    readonly capacityRows: number,
    top: number,
  ) {
    this.rowLength = region.width * 3;
    this.data = new Float32Array(capacityRows * this.rowLength);
    this.top = top;
  }

  /**
   * Add weight × network output (back in 0..1) over the tile's valid rect. Returns false when
   * that output holds NaN or ±Infinity (a broken model): the sum of what was added is then not
   * finite, which costs one addition per sample instead of a second pass over the tile.
   */
  add(output: Float32Array, padW: number, padH: number, tile: Tile, range: ValueRange): boolean {
    const [lo, hi] = range;
    const inv = 1 / (hi - lo);
    const plane = padW * padH;
    const { valid, window, xSpan, ySpan } = tile;
    const acc = this.data;
    if (valid.y < this.top || valid.y + valid.height > this.top + this.capacityRows) {
      throw new RangeError(`tile rows ${valid.y}..${valid.y + valid.height} fall outside the band at ${this.top}`);
    }
    // Hot loop: locals only (V8 cannot hoist property loads out of it), one array per plane.
    const r = output.subarray(0, plane);
    const g = output.subarray(plane, 2 * plane);
    const b = output.subarray(2 * plane, 3 * plane);
    const xWeights = xSpan.weights.subarray(valid.x - xSpan.validStart, valid.x - xSpan.validStart + valid.width);
    const columns = valid.width;
    let sum = 0;
    for (let y = valid.y; y < valid.y + valid.height; y++) {
      const wy = ySpan.weights[y - ySpan.validStart]! * inv;
      const offset = wy * lo;
      let src = (y - window.y) * padW + valid.x - window.x;
      let dst = (y - this.top) * this.rowLength + (valid.x - this.region.x) * 3;
      for (let k = 0; k < columns; k++, src++, dst += 3) {
        const w = xWeights[k]!;
        const vr = w * (wy * r[src]! - offset);
        const vg = w * (wy * g[src]! - offset);
        const vb = w * (wy * b[src]! - offset);
        acc[dst] = acc[dst]! + vr;
        acc[dst + 1] = acc[dst + 1]! + vg;
        acc[dst + 2] = acc[dst + 2]! + vb;
        sum += vr + vg + vb;
      }
    }
    return Number.isFinite(sum);
  }

  /**
   * Blend the finished rows above `until` into `target`:
   * result = original + strength × mask × (deblurred − original), clamped, in the target's
   * depth. Pixels whose weight is 0 are not written, so they stay bit-exact. `source` and
   * `target` may be the same image: each sample is read before it is written.
   */
  flush(until: number, source: SampleImage, target: SampleImage, blend: BlendSettings): void {
    const { region } = this;
    const last = Math.min(until, region.y + region.height);
    for (let y = Math.max(this.top, region.y); y < last; y++) this.blendRow(y, source, target, blend);
    const done = Math.max(0, until - this.top);
    if (done >= this.capacityRows) this.data.fill(0);
    else {
      this.data.copyWithin(0, done * this.rowLength);
      this.data.fill(0, (this.capacityRows - done) * this.rowLength);
    }
    this.top = until;
  }

  private blendRow(y: number, source: SampleImage, target: SampleImage, { strength, mask, workingSpace }: BlendSettings): void {
    const { width, channels, max } = source;
    const src = source.samples;
    const out = target.samples;
    // Float targets (max 1) keep exact values; integer ones round to the nearest level.
    const half = max === 1 ? 0 : 0.5;
    const inv = 1 / max;
    const acc = this.data;
    const x0 = this.region.x;
    const x1 = x0 + this.region.width;
    const a0 = (y - this.top) * this.rowLength;
    const own = new Float64Array(3);
    // The input in sRGB, unclamped, as readTileInSrgb gave it to the network.
    const seen = new Float64Array(3);
    const levels = workingSpace && max !== 1 ? workingSpace.levels(max) : null;
    // Hot loop (one call per pixel row of a 100 MP photo): locals only, branches hoisted.
    if (isGraySamples(source)) {
      for (let x = x0, a = a0; x < x1; x++, a += 3) {
        const p = y * width + x;
        const k = mask ? strength * mask[p]! : strength;
        if (!(k > 0)) continue;
        const s = p * channels;
        // Three estimates of one gray value: equal weights average their errors best.
        const o = src[s]! * inv;
        let mean = (acc[a]! + acc[a + 1]! + acc[a + 2]!) / 3;
        if (workingSpace) {
          pixelInSrgb(workingSpace, src, s, 0, levels, seen);
          mean += outOfGamut(seen[0]!);
          workingSpace.srgbToSource(mean, mean, mean, own);
          mean = own[0]!;
        }
        const v = o + k * (mean - o);
        out[s] = toLevel(v, max, half);
      }
      return;
    }
    if (!mask && strength === 1 && !workingSpace) {
      // The common case (whole photo, full strength): the result is the network's output.
      for (let x = x0, a = a0, s = (y * width + x0) * channels; x < x1; x++, a += 3, s += channels) {
        out[s] = toLevel(acc[a]!, max, half);
        out[s + 1] = toLevel(acc[a + 1]!, max, half);
        out[s + 2] = toLevel(acc[a + 2]!, max, half);
      }
      return;
    }
    for (let x = x0, a = a0; x < x1; x++, a += 3) {
      const p = y * width + x;
      const k = mask ? strength * mask[p]! : strength;
      if (!(k > 0)) continue;
      const s = p * channels;
      let nr = acc[a]!;
      let ng = acc[a + 1]!;
      let nb = acc[a + 2]!;
      if (workingSpace) {
        // The network's output is clamped to sRGB's gamut: what the input had beyond it (a
        // wide-gamut colour, P3 green, Adobe RGB cyan) is added back, so a pixel the network
        // leaves alone keeps its colour. Then back from sRGB (the tone curves are not linear).
        pixelInSrgb(workingSpace, src, s, 1, levels, seen);
        nr += outOfGamut(seen[0]!);
        ng += outOfGamut(seen[1]!);
        nb += outOfGamut(seen[2]!);
        workingSpace.srgbToSource(nr, ng, nb, own);
        nr = own[0]!;
        ng = own[1]!;
        nb = own[2]!;
      }
      const r = src[s]! * inv;
      const g = src[s + 1]! * inv;
      const b = src[s + 2]! * inv;
      out[s] = toLevel(r + k * (nr - r), max, half);
      out[s + 1] = toLevel(g + k * (ng - g), max, half);
      out[s + 2] = toLevel(b + k * (nb - b), max, half);
    }
  }
}

/** How far an sRGB value lies outside 0..1 (what a clamped network output cannot carry). */
function outOfGamut(v: number): number {
  return v < 0 ? v : v > 1 ? v - 1 : 0;
}

/** Clamp to 0..1 and scale; half = 0.5 rounds to a level. (A network's NaN never gets here: add() reports it.) */
function toLevel(v: number, max: number, half: number): number {
  const u = v > 0 ? (v < 1 ? v : 1) : 0;
  return half === 0 ? u : Math.floor(u * max + half);
}
