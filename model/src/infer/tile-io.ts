import { reflectIndex, type Rect } from './tiler.js';

/**
 * Building the network's planar NCHW input for one window straight from the image's own
 * samples (8-bit, 16-bit or float), so no full-image float copy ever exists.
 */
export type ValueRange = readonly [number, number];

/** Interleaved samples with the value that means full intensity (255, 65535, or 1 for float). */
export interface SampleImage {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA; gray feeds the network as R = G = B, alpha never does. */
  channels: 1 | 2 | 3 | 4;
  samples: Uint8Array | Uint16Array | Float32Array;
  /** Full-scale value; 1 means float samples, which are stored unrounded. */
  max: number;
}

export function isGraySamples(image: Pick<SampleImage, 'channels'>): boolean {
  return image.channels <= 2;
}

/** NCHW (N=1) float tensor data for `window`, reflect-padded to padW×padH, scaled to `range`. */
export function readTile(image: SampleImage, window: Rect, padW: number, padH: number, range: ValueRange): Float32Array {
  const { width, height, channels, samples } = image;
  const [lo, hi] = range;
  const scale = (hi - lo) / image.max;
  const plane = padW * padH;
  const out = new Float32Array(3 * plane);
  const gray = isGraySamples(image);
  const cols = Int32Array.from({ length: padW }, (_, tx) => reflectIndex(window.x + tx, width) * channels);
  for (let ty = 0; ty < padH; ty++) {
    const row = reflectIndex(window.y + ty, height) * width * channels;
    const first = ty * padW;
    // Separate loops keep the per-pixel work branch-free.
    if (gray) {
      for (let tx = 0, dst = first; tx < padW; tx++, dst++) {
        const v = lo + samples[row + cols[tx]!]! * scale;
        out[dst] = v;
        out[dst + plane] = v;
        out[dst + 2 * plane] = v;
      }
    } else {
      for (let tx = 0, dst = first; tx < padW; tx++, dst++) {
        const src = row + cols[tx]!;
        out[dst] = lo + samples[src]! * scale;
        out[dst + plane] = lo + samples[src + 1]! * scale;
        out[dst + 2 * plane] = lo + samples[src + 2]! * scale;
      }
    }
  }
  return out;
}
