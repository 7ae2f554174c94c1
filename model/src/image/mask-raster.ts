import type { MaskShape, RegionMask } from '../../../electron/common/mask.js';
import { UnshakeError } from '../errors.js';
import type { Rect } from '../infer/tiler.js';
import { centreRange, drawStroke, extent } from './mask-brush.js';
import { featherMask } from './mask-feather.js';

/**
 * Turn the editor's selection into a per-pixel weight 0..1. Shapes are sampled at pixel
 * centres and applied in order (add, or remove for erasing brush strokes); the hard mask is then
 * feathered by three box-blur passes (≈ Gaussian) reaching `feather` px (rounded up) either side
 * of the edge, and optionally inverted.
 */
export type FillRule = 'nonzero' | 'evenodd';

export function rasteriseMask(
  mask: RegionMask,
  width: number,
  height: number,
  options: { fillRule?: FillRule } = {},
): Float32Array {
  const out = new Float32Array(width * height);
  for (const shape of mask.shapes) drawShape(out, width, height, shape, options.fillRule ?? 'nonzero');
  const feather = mask.feather ?? 0;
  const bounds = feather > 0 ? maskBounds(out, width, height) : null;
  if (bounds) featherMask(out, width, height, feather, bounds);
  if (mask.invert) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i]!;
  return out;
}

/** Bounding box of the pixels with weight > 0, or null when the mask selects nothing. */
export function maskBounds(mask: Float32Array, width: number, height: number): Rect | null {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    // From each end inwards: a row inside a large selection costs two reads, not `width`.
    const row = y * width;
    let l = 0;
    while (l < width && !(mask[row + l]! > 0)) l++;
    if (l === width) continue;
    let r = width - 1;
    while (!(mask[row + r]! > 0)) r--;
    [x0, x1, y1] = [Math.min(x0, l), Math.max(x1, r), y];
    if (y0 === height) y0 = y;
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * The weight below which a pixel cannot change by a level: even the largest change the network
 * could make (the full range) moves an 8-bit value by less than one step.
 */
const VISIBLE_WEIGHT = 1 / 256;

/**
 * Refuse a mask whose weights are all (nearly) 0, naming the cause: the shapes miss the photo, select no
 * pixel centre, are all erased, cover the whole photo under invert, or a feather so wide for so
 * small a selection that every weight fades below VISIBLE_WEIGHT: the network would run on every
 * tile it touches and leave the photo as it was, without a word.
 */
export function assertMaskSelectsPixels(mask: RegionMask, weights: Float32Array, width: number, height: number, options: { fillRule?: FillRule } = {}): void {
  if (weights.some((v) => v >= VISIBLE_WEIGHT)) return;
  const refuse = (why: string): never => {
    throw new UnshakeError('INVALID_REQUEST', `${why}: nothing would change.`);
  };
  const photo = `${width} × ${height} px`;
  const count = (m: Float32Array) => m.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  const selected = count(rasteriseMask({ ...mask, feather: 0, invert: false }, width, height, options));
  const feather = `The feather (${mask.feather} px) is too wide`;
  const fades = 'it spreads the selection so thin that no pixel would change by a visible step';
  if (mask.invert) {
    if (selected === width * height) refuse(`The inverted selection covers nothing: the region covers the whole photo (${photo})`);
    refuse(`${feather} for so small an inverted selection (${width * height - selected} px outside the region): ${fades}; use a smaller feather`);
  }
  if (selected > 0) refuse(`${feather} for so small a region (${selected} px): ${fades}; use a smaller feather or a larger region`);
  const adds = mask.shapes.filter((s) => s.kind !== 'brush' || !s.erase);
  if (adds.length === 0) refuse('The selection has only erase strokes, which select nothing');
  if (!adds.some((s) => overlapsPhoto(s, width, height))) refuse(`The selected region lies outside the photo (${photo})`);
  if (count(rasteriseMask({ shapes: adds, feather: 0, invert: false }, width, height, options)) > 0) refuse('The erase strokes remove the whole selection');
  refuse('The selected region covers no whole pixel: a pixel is selected when its centre lies inside the region; make it larger');
}

/** Whether a shape's bounding box overlaps the photo's area. */
function overlapsPhoto(shape: MaskShape, width: number, height: number): boolean {
  const box = (x0: number, y0: number, x1: number, y1: number) => x0 < width && x1 > 0 && y0 < height && y1 > 0;
  switch (shape.kind) {
    case 'rect':
      return box(shape.x, shape.y, shape.x + shape.width, shape.y + shape.height);
    case 'ellipse':
      return box(shape.cx - shape.rx, shape.cy - shape.ry, shape.cx + shape.rx, shape.cy + shape.ry);
    default: {
      const r = shape.kind === 'brush' ? shape.radius : 0;
      const [[x0, x1], [y0, y1]] = [extent(shape.points, 0), extent(shape.points, 1)];
      return box(x0 - r, y0 - r, x1 + r, y1 + r);
    }
  }
}


function drawShape(out: Float32Array, width: number, height: number, shape: MaskShape, rule: FillRule): void {
  const span = (y: number, a: number, b: number, value: number) => {
    const [x0, x1] = centreRange(a, b, width);
    if (x1 > x0) out.fill(value, y * width + x0, y * width + x1);
  };
  switch (shape.kind) {
    case 'rect': {
      const [y0, y1] = centreRange(shape.y, shape.y + shape.height, height);
      for (let y = y0; y < y1; y++) span(y, shape.x, shape.x + shape.width, 1);
      return;
    }
    case 'ellipse': {
      const [y0, y1] = centreRange(shape.cy - shape.ry, shape.cy + shape.ry, height);
      for (let y = y0; y < y1; y++) {
        const dy = (y + 0.5 - shape.cy) / shape.ry;
        const half = shape.rx * Math.sqrt(Math.max(0, 1 - dy * dy));
        span(y, shape.cx - half, shape.cx + half, 1);
      }
      return;
    }
    case 'polygon':
      return fillPolygon(shape.points, height, rule, (y, a, b) => span(y, a, b, 1));
    case 'brush':
      return drawStroke(out, width, height, shape.points, shape.radius, shape.erase ? 0 : 1);
  }
}

/** Scanline fill at pixel-centre rows; crossings carry edge direction for the nonzero rule. */
function fillPolygon(
  points: readonly (readonly [number, number])[],
  height: number,
  rule: FillRule,
  span: (y: number, a: number, b: number) => void,
): void {
  const ys = points.map((p) => p[1]);
  const [y0, y1] = centreRange(Math.min(...ys), Math.max(...ys), height);
  for (let y = y0; y < y1; y++) {
    const yc = y + 0.5;
    const crossings: { x: number; dir: number }[] = [];
    points.forEach(([ax, ay], i) => {
      const [bx, by] = points[(i + 1) % points.length]!;
      if ((ay <= yc && by > yc) || (by <= yc && ay > yc)) {
        crossings.push({ x: ax + ((yc - ay) / (by - ay)) * (bx - ax), dir: by > ay ? 1 : -1 });
      }
    });
    crossings.sort((p, q) => p.x - q.x);
    let winding = 0;
    crossings.forEach((c, i) => {
      winding += rule === 'nonzero' ? c.dir : 1;
      const inside = rule === 'nonzero' ? winding !== 0 : winding % 2 === 1;
      const next = crossings[i + 1];
      if (inside && next) span(y, c.x, next.x);
    });
  }
}
