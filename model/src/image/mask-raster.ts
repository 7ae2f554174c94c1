import type { MaskShape, RegionMask } from '../../../electron/common/mask.js';
import type { Rect } from '../infer/tiler.js';

/**
 * Turn the editor's selection into a per-pixel weight 0..1. Shapes are sampled at pixel
 * centres and applied in order (add, or remove for erasing brush strokes); the hard mask is then
 * feathered by three box-blur passes (≈ Gaussian) and optionally inverted.
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
  if (feather >= 1) featherMask(out, width, height, Math.max(1, Math.round(feather / 3)));
  if (mask.invert) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i]!;
  return out;
}

/** Bounding box of the pixels with weight > 0, or null when the mask selects nothing. */
export function maskBounds(mask: Float32Array, width: number, height: number): Rect | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x]! > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        y0 = Math.min(y0, y);
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Pixel indices whose centre (i + 0.5) lies in [a, b), clamped to [0, n). */
function centreRange(a: number, b: number, n: number): [number, number] {
  return [Math.max(0, Math.ceil(a - 0.5)), Math.min(n, Math.ceil(b - 0.5))];
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

/** Capsules of `radius` around each segment (a disc for a single point). */
function drawStroke(
  out: Float32Array,
  width: number,
  height: number,
  points: readonly (readonly [number, number])[],
  radius: number,
  value: number,
): void {
  const r2 = radius * radius;
  const segments = points.length === 1 ? 1 : points.length - 1;
  for (let s = 0; s < segments; s++) {
    const [ax, ay] = points[s]!;
    const [bx, by] = points[Math.min(s + 1, points.length - 1)]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const [x0, x1] = centreRange(Math.min(ax, bx) - radius, Math.max(ax, bx) + radius + 1e-9, width);
    const [y0, y1] = centreRange(Math.min(ay, by) - radius, Math.max(ay, by) + radius + 1e-9, height);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
        const ex = px - t * dx;
        const ey = py - t * dy;
        if (ex * ex + ey * ey <= r2) out[y * width + x] = value;
      }
    }
  }
}

/** Three separable box blurs of radius r over the selection's bounds (+3r), edge-clamped. */
function featherMask(mask: Float32Array, width: number, height: number, r: number): void {
  const bounds = maskBounds(mask, width, height);
  if (!bounds) return;
  const grow = 3 * r + 1;
  const x0 = Math.max(0, bounds.x - grow);
  const y0 = Math.max(0, bounds.y - grow);
  const x1 = Math.min(width, bounds.x + bounds.width + grow);
  const y1 = Math.min(height, bounds.y + bounds.height + grow);
  const line = new Float32Array(Math.max(x1 - x0, y1 - y0));
  for (let pass = 0; pass < 3; pass++) {
    for (let y = y0; y < y1; y++) boxBlurLine(mask, y * width + x0, 1, x1 - x0, r, line);
    for (let x = x0; x < x1; x++) boxBlurLine(mask, y0 * width + x, width, y1 - y0, r, line);
  }
  // Running sums leave ~1e-8 residue; snap it so "outside" is exactly 0 and "inside" exactly 1.
  for (let y = y0; y < y1; y++) {
    for (let i = y * width + x0; i < y * width + x1; i++) {
      const v = mask[i]!;
      mask[i] = v < 1e-6 ? 0 : v > 1 - 1e-6 ? 1 : v;
    }
  }
}

/** In-place running-sum box blur of n samples at data[offset + i*stride]; `line` is scratch. */
function boxBlurLine(data: Float32Array, offset: number, stride: number, n: number, r: number, line: Float32Array): void {
  for (let i = 0; i < n; i++) line[i] = data[offset + i * stride]!;
  const at = (i: number) => line[Math.min(n - 1, Math.max(0, i))]!;
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += at(i);
  const norm = 1 / (2 * r + 1);
  for (let i = 0; i < n; i++) {
    data[offset + i * stride] = sum * norm;
    sum += at(i + r + 1) - at(i - r);
  }
}
