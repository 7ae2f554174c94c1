import { reflectIndex, type Rect, type Tile } from './tiler.js';

/**
 * Moving pixels between the interleaved RGB 0..1 image and the network's planar NCHW tensors:
 * gather a reflect-padded window scaled to the model's range, scatter a weighted output back.
 */
export type ValueRange = readonly [number, number];

/** NCHW (N=1) float tensor data for `window`, reflect-padded to padW×padH, scaled to `range`. */
export function readTile(
  rgb: Float32Array,
  width: number,
  height: number,
  window: Rect,
  padW: number,
  padH: number,
  range: ValueRange,
): Float32Array {
  const [lo, hi] = range;
  const scale = hi - lo;
  const plane = padW * padH;
  const out = new Float32Array(3 * plane);
  const cols = Int32Array.from({ length: padW }, (_, tx) => reflectIndex(window.x + tx, width));
  for (let ty = 0; ty < padH; ty++) {
    const row = reflectIndex(window.y + ty, height) * width;
    for (let tx = 0; tx < padW; tx++) {
      const src = (row + cols[tx]!) * 3;
      const dst = ty * padW + tx;
      out[dst] = lo + rgb[src]! * scale;
      out[dst + plane] = lo + rgb[src + 1]! * scale;
      out[dst + 2 * plane] = lo + rgb[src + 2]! * scale;
    }
  }
  return out;
}

/** Add weight × network output (back in 0..1) over the tile's valid rect into `acc`. */
export function accumulateTile(
  acc: Float32Array,
  width: number,
  output: Float32Array,
  padW: number,
  padH: number,
  tile: Tile,
  range: ValueRange,
): void {
  const [lo, hi] = range;
  const inv = 1 / (hi - lo);
  const plane = padW * padH;
  const { valid, window, xSpan, ySpan } = tile;
  for (let y = valid.y; y < valid.y + valid.height; y++) {
    const wy = ySpan.weights[y - ySpan.validStart]!;
    const srcRow = (y - window.y) * padW - window.x;
    for (let x = valid.x; x < valid.x + valid.width; x++) {
      const w = wy * xSpan.weights[x - xSpan.validStart]! * inv;
      const src = srcRow + x;
      const dst = (y * width + x) * 3;
      acc[dst] = acc[dst]! + w * (output[src]! - lo);
      acc[dst + 1] = acc[dst + 1]! + w * (output[src + plane]! - lo);
      acc[dst + 2] = acc[dst + 2]! + w * (output[src + 2 * plane]! - lo);
    }
  }
}

/** Zero `rect` of an interleaved RGB buffer (the accumulation target). */
export function clearRect(buffer: Float32Array, width: number, rect: Rect): void {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    buffer.fill(0, (y * width + rect.x) * 3, (y * width + rect.x + rect.width) * 3);
  }
}

/**
 * Within `rect`: result = original + strength × mask × (deblurred − original), clamped to 0..1.
 * `result` holds the deblurred values on entry. Pixels with mask 0 get the original exactly.
 */
export function blendIntoOriginal(
  result: Float32Array,
  original: Float32Array,
  width: number,
  rect: Rect,
  strength: number,
  mask: Float32Array | undefined,
): void {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const p = y * width + x;
      const k = strength * (mask ? mask[p]! : 1);
      for (let c = p * 3; c < p * 3 + 3; c++) {
        const o = original[c]!;
        result[c] = k === 0 ? o : Math.min(1, Math.max(0, o + k * (result[c]! - o)));
      }
    }
  }
}
