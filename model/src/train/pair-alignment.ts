import { withEndMarkerRepair } from '../image/jpeg-end-marker.js';
import { CAMERA_FILES } from '../image/probe.js';
import type { PairCandidate } from './pair-discovery.js';

/**
 * Where a pair's sharp photo sits against its blurred one, and the regions of each file that line
 * up once that is corrected. Training and validation cut the same place from both regions, so a
 * measured shift that is not folded into them trains the model on a target a few pixels off:
 * the best it can then do is blur (docs/decisions.md, "Training pairs must be aligned").
 */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Sharp pixel (x + dx, y + dy) of its region shows what blurred pixel (x, y) of its region shows. */
export interface Shift {
  dx: number;
  dy: number;
}

const SEARCH = 24; // shift search radius (px, full resolution)
const THUMB = 320;
const REFINE_SAMPLES = 250_000; // pixels summed per candidate in the full-resolution pass

/** Upright grey pixels of a region, resized to width × height and lightly smoothed. */
export async function greyThumb(file: string, r: Region, width: number, height: number): Promise<Float32Array> {
  const data = await withEndMarkerRepair(file, CAMERA_FILES, (image) =>
    image.rotate().extract(r).greyscale().resize(width, height, { fit: 'fill' }).blur(1).raw().toBuffer(),
  );
  return Float32Array.from(data);
}

/** Best (dx, dy) within the candidates, by mean squared difference over the same sample grid. */
function bestOf(a: Float32Array, b: Float32Array, w: number, h: number, centre: Shift, radius: number, margin: number, stride: number): Shift {
  let best = { dx: 0, dy: 0, cost: Infinity };
  for (let dy = centre.dy - radius; dy <= centre.dy + radius; dy++) {
    for (let dx = centre.dx - radius; dx <= centre.dx + radius; dx++) {
      let cost = 0;
      for (let y = margin; y < h - margin; y += stride) {
        for (let x = margin; x < w - margin; x += stride) cost += (a[y * w + x]! - b[(y + dy) * w + x + dx]!) ** 2;
      }
      // Prefer the smaller shift on ties (flat images) so textureless pairs are not moved or rejected.
      if (cost < best.cost || (cost === best.cost && Math.hypot(dx, dy) < Math.hypot(best.dx, best.dy))) best = { dx, dy, cost };
    }
  }
  return { dx: best.dx, dy: best.dy };
}

/**
 * Shift of the sharp region against the blurred one (equal sizes). First an exhaustive search
 * over the whole pair shrunk to at most THUMB px: the whole frame (not a central patch) keeps
 * local repeats and moving objects from winning, and the shrink shortens motion streaks, which
 * otherwise pull the match towards one end of the shake path. A shrunk pixel is several real
 * ones (4 for a 1280-px photo), too coarse to apply, so large photos are then matched again at
 * full resolution within one shrunk pixel of that. `atEdge`: the best match lies on the
 * search's border, so the real shift may be larger and this one cannot be trusted.
 */
export async function measureShift(pair: PairCandidate, blur: Region, sharpR: Region): Promise<Shift & { atEdge: boolean }> {
  const scale = Math.max(1, Math.max(blur.width, blur.height) / THUMB);
  const w = Math.round(blur.width / scale);
  const h = Math.round(blur.height / scale);
  const [a, b] = await Promise.all([greyThumb(pair.blurred, blur, w, h), greyThumb(pair.sharp, sharpR, w, h)]);
  const r = Math.min(Math.ceil(SEARCH / scale), Math.floor(Math.min(w, h) / 4));
  const coarse = bestOf(a, b, w, h, { dx: 0, dy: 0 }, r, r, 1);
  const atEdge = r > 0 && Math.max(Math.abs(coarse.dx), Math.abs(coarse.dy)) === r;
  if (scale === 1) return { ...coarse, atEdge };
  return { ...(await refine(pair, blur, sharpR, { dx: Math.round(coarse.dx * scale), dy: Math.round(coarse.dy * scale) }, Math.ceil(scale))), atEdge };
}

/** Full-resolution match within ±radius of `start`, summed on a sparse grid of the whole region. */
async function refine(pair: PairCandidate, blur: Region, sharpR: Region, start: Shift, radius: number): Promise<Shift> {
  const { width: w, height: h } = blur;
  const margin = Math.max(Math.abs(start.dx), Math.abs(start.dy)) + radius;
  if (2 * margin >= Math.min(w, h)) return start;
  const [a, b] = await Promise.all([greyThumb(pair.blurred, blur, w, h), greyThumb(pair.sharp, sharpR, w, h)]);
  const stride = Math.max(1, Math.ceil(Math.sqrt(((w - 2 * margin) * (h - 2 * margin)) / REFINE_SAMPLES)));
  return bestOf(a, b, w, h, start, radius, margin, stride);
}

/**
 * The regions of each upright file that show the same scene once `shift` (measured between
 * `blur` and `sharpR`) is corrected: as large as both files allow, equal in size. `framing` is
 * where the sharp photo's top-left corner falls in the blurred photo (x right, y down).
 */
export function alignedRegions(
  blurSize: { width: number; height: number },
  sharpSize: { width: number; height: number },
  blur: Region,
  sharpR: Region,
  shift: Shift,
): { blurRegion: Region; sharpRegion: Region; framing: Shift } {
  // Sharp x = blurred x + offset, in whole-file coordinates.
  const ox = sharpR.left - blur.left + shift.dx;
  const oy = sharpR.top - blur.top + shift.dy;
  const left = Math.max(0, -ox);
  const top = Math.max(0, -oy);
  const width = Math.max(0, Math.min(blurSize.width, sharpSize.width - ox) - left);
  const height = Math.max(0, Math.min(blurSize.height, sharpSize.height - oy) - top);
  return {
    blurRegion: { left, top, width, height },
    sharpRegion: { left: left + ox, top: top + oy, width, height },
    framing: { dx: -ox, dy: -oy },
  };
}

/** "…framed 6 px further right and 1 px further down than…": where the sharp photo is framed against the blurred one. */
export function framingWords(f: Shift): string {
  const parts = [
    f.dx ? `${Math.abs(f.dx)} px further ${f.dx > 0 ? 'right' : 'left'}` : '',
    f.dy ? `${Math.abs(f.dy)} px further ${f.dy > 0 ? 'down' : 'up'}` : '',
  ].filter(Boolean);
  return parts.length ? `the sharp photo is framed ${parts.join(' and ')} than the blurred one` : 'the two line up at their top-left corners';
}

/** Whole pixels a pair's crops were moved by, for short reports. */
export function shiftLength(s: Shift): number {
  return Math.round(Math.hypot(s.dx, s.dy));
}
