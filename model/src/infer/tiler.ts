/**
 * Tile geometry and blending weights. A tile is a window the network sees; only its *valid*
 * part (the window minus `margin` pixels of context on every side that has a neighbour or
 * more image beyond it) contributes to the result. Neighbouring valid parts overlap by `blend`
 * pixels, cross-faded with raised-cosine weights normalised to sum to exactly 1, so a network
 * that is local within `margin` gives the whole-image result and any other shows no seam.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One window along an axis: [start, end) is fed to the network, [validStart, validEnd) is kept. */
export interface AxisSpan {
  start: number;
  end: number;
  validStart: number;
  validEnd: number;
  /** Normalised blend weight for each position in [validStart, validEnd). */
  weights: Float32Array;
}

export interface Tile {
  /** Window fed to the network (inside the image). */
  window: Rect;
  /** Pixels this tile writes (valid part ∩ region). */
  valid: Rect;
  xSpan: AxisSpan;
  ySpan: AxisSpan;
}

export interface TileGeometry {
  /** Window edge, a multiple of sizeMultiple. */
  tileSize: number;
  margin: number;
  blend: number;
  sizeMultiple: number;
}

/**
 * Blend width: enough pixels for a smooth cross-fade. The margin already gives every kept pixel
 * its full receptive field, so tiles agree up to float rounding and a wider blend only costs
 * recomputed pixels (more than 16 bought nothing visible, measured in decisions.md); 8 px, and
 * with the base model's 12-px margin a 4000-px axis then fits 4 windows of 1024 instead of 5.
 */
export const BLEND_PX = 8;

export function tileGeometry(options: { tileSize: number; margin: number; sizeMultiple: number }): TileGeometry {
  const { margin, sizeMultiple } = options;
  const tileSize = roundUp(Math.max(options.tileSize, minimumTileSize(margin, sizeMultiple)), sizeMultiple);
  return { tileSize, margin, blend: BLEND_PX, sizeMultiple };
}

/**
 * The smallest window edge worth running: two overlaps (2 margins + blend each) plus one size
 * multiple, so a window keeps about half its width as output and a run computes at most ~4× its
 * pixels. At one overlap plus one multiple (the bare geometric minimum) a window kept 4 px: a
 * 400 × 300 photo took 3,876 tiles with the base model, hundreds of times the work.
 */
export function minimumTileSize(margin: number, sizeMultiple: number): number {
  const overlap = 2 * margin + BLEND_PX;
  return roundUp(2 * overlap + sizeMultiple, sizeMultiple);
}

export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Windows along one axis of `length` pixels that together produce [from, to). The fewest
 * windows of at most tileSize are used, then shrunk to the same smaller size so the last one is
 * not pushed back over its neighbour (4000 px at 2048: 3 × 1408 px instead of 3 × 2048).
 */
export function planAxis(length: number, from: number, to: number, g: TileGeometry): AxisSpan[] {
  const { margin: m, blend: b, sizeMultiple } = g;
  if (length <= g.tileSize) return withWeights([{ start: 0, end: length, validStart: 0, validEnd: length }], b);
  const overlap = 2 * m + b;
  // Every window starts on the whole image's sampling grid (a multiple of sizeMultiple): the
  // network's stride-2 stages are not shift-invariant, and a window off that grid gave outputs
  // up to 19 grey levels away from the whole image's with the run-18 model (docs/decisions.md).
  const alignDown = (v: number) => Math.floor(v / sizeMultiple) * sizeMultiple;
  const lo = alignDown(Math.max(0, from - m));
  const span = Math.min(length, to + m) - lo;
  const count = Math.max(1, Math.ceil((span - overlap) / (g.tileSize - overlap)));
  const minimum = overlap + sizeMultiple;
  const t = Math.min(g.tileSize, Math.max(minimum, roundUp(Math.ceil((span + (count - 1) * overlap) / count), sizeMultiple)));
  const stride = alignDown(t - overlap);
  const spans: Omit<AxisSpan, 'weights'>[] = [];
  for (let start = lo; ; start += stride) {
    // The last window ends at the image's edge, which pads it as it pads the whole image.
    start = Math.min(start, roundUp(length - t, sizeMultiple));
    const end = Math.min(start + t, length);
    const validStart = start === 0 ? 0 : start + m;
    const validEnd = end === length ? length : end - m;
    spans.push({ start, end, validStart, validEnd });
    if (validEnd >= to) break;
  }
  return withWeights(spans, b);
}

/** Raised-cosine ramp, strictly positive so every valid pixel has some weight. */
function ramp(distance: number, blend: number): number {
  return distance >= blend ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (distance + 0.5)) / blend);
}

function withWeights(spans: Omit<AxisSpan, 'weights'>[], blend: number): AxisSpan[] {
  const raw = spans.map((s, i) => {
    const w = new Float32Array(s.validEnd - s.validStart);
    for (let k = 0; k < w.length; k++) {
      const up = i > 0 ? ramp(k, blend) : 1;
      const down = i < spans.length - 1 ? ramp(w.length - 1 - k, blend) : 1;
      w[k] = Math.min(up, down);
    }
    return w;
  });
  // Normalise per position so the weights of overlapping spans sum to 1.
  const lo = spans[0]?.validStart ?? 0;
  const hi = spans[spans.length - 1]?.validEnd ?? 0;
  const total = new Float64Array(hi - lo);
  spans.forEach((s, i) => raw[i]!.forEach((w, k) => (total[s.validStart + k - lo]! += w)));
  return spans.map((s, i) => {
    const weights = raw[i]!.map((w, k) => w / total[s.validStart + k - lo]!);
    return { ...s, weights };
  });
}

/** One row of tiles sharing a vertical span: the unit the streaming engine accumulates and flushes. */
export interface Band {
  ySpan: AxisSpan;
  tiles: Tile[];
}

/** All tiles needed to produce `region` of a width×height image, grouped in bands top to bottom. */
export function planBands(width: number, height: number, region: Rect, g: TileGeometry): Band[] {
  const xs = planAxis(width, region.x, region.x + region.width, g);
  const ys = planAxis(height, region.y, region.y + region.height, g);
  return ys.map((ySpan) => {
    const tiles: Tile[] = [];
    for (const xSpan of xs) {
      const x0 = Math.max(xSpan.validStart, region.x);
      const y0 = Math.max(ySpan.validStart, region.y);
      const x1 = Math.min(xSpan.validEnd, region.x + region.width);
      const y1 = Math.min(ySpan.validEnd, region.y + region.height);
      if (x1 <= x0 || y1 <= y0) continue;
      tiles.push({
        window: { x: xSpan.start, y: ySpan.start, width: xSpan.end - xSpan.start, height: ySpan.end - ySpan.start },
        valid: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
        xSpan,
        ySpan,
      });
    }
    return { ySpan, tiles };
  });
}

/** All tiles needed to produce `region` of a width×height image, row by row. */
export function planTiles(width: number, height: number, region: Rect, g: TileGeometry): Tile[] {
  return planBands(width, height, region, g).flatMap((b) => b.tiles);
}

/** Mirror an index into [0, n) without repeating the edge pixel (numpy/ONNX "reflect"). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const k = ((i % period) + period) % period;
  return k < n ? k : period - k;
}
