import sharp from 'sharp';
import type { Grey } from './pair-grey.js';

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
const MID = 1600; // px: the level between THUMB and full resolution, for camera-size photos
const REFINE_SAMPLES = 250_000; // pixels summed per candidate in the full-resolution pass
// Below this many compared pixels a blurred/sharp match is noise: on 72-px GoPro crops (36×36
// compared) 263 of 500 matched over 2 px from their frame's shift, 70 of them past the uniqueness
// check. A 96×80 pair compares 2,240; square pairs from 90 px are measured (docs/decisions.md).
const MIN_COMPARED = 2048;
// The best match must beat every other local minimum more than RUNNER_UP_GAP px from it by this
// factor: wrong matches on 96-px photos with no shift scored 1.01–1.36; the tests' real shifts
// have no such second minimum (GoPro crops) or beat it 5.9 times (noise).
const UNIQUE = 1.5;
const RUNNER_UP_GAP = 3;
// With no unique match, a zero shift this much costlier than the best is not used as it is:
// aligned GoPro and Kodak pairs measured up to 2.7, pairs cut 7–10 px apart 4.05–13.1.
const ZERO_IMPLAUSIBLE = 4;

/**
 * How far a measured shift can be trusted. 'matched': one clear best match, the shift to use.
 * 'too-small': the pair leaves too few pixels to compare over the search; 'ambiguous': several
 * shifts match about as well (flat or repeating detail). Neither says where the pair lines up,
 * so its shift is 0 (used as it is) and `zeroRuledOut` says whether even that is implausible.
 */
export type ShiftTrust = 'matched' | 'too-small' | 'ambiguous';

export interface MeasuredShift extends Shift {
  trust: ShiftTrust;
  /** The best match lies on the search's border, so the real shift may be larger ('matched' only). */
  atEdge: boolean;
  /** No unique match, and the zero shift matches far worse than the best ones: the pair is not lined up as it is. */
  zeroRuledOut: boolean;
}

/** Mean squared difference for every (dx, dy) within ±radius of `centre`, over the same sample grid. */
function costs(a: Float32Array, b: Float32Array, w: number, h: number, centre: Shift, radius: number, margin: number, stride: number): Float64Array {
  const side = 2 * radius + 1;
  const out = new Float64Array(side * side);
  for (let dy = centre.dy - radius; dy <= centre.dy + radius; dy++) {
    for (let dx = centre.dx - radius; dx <= centre.dx + radius; dx++) {
      let cost = 0;
      for (let y = margin; y < h - margin; y += stride) {
        for (let x = margin; x < w - margin; x += stride) cost += (a[y * w + x]! - b[(y + dy) * w + x + dx]!) ** 2;
      }
      out[(dy - centre.dy + radius) * side + dx - centre.dx + radius] = cost;
    }
  }
  return out;
}

/** Index of the lowest cost; on ties the smaller shift, so textureless pairs are not moved. */
function lowest(cost: Float64Array, radius: number): number {
  const side = 2 * radius + 1;
  const length = (i: number) => Math.hypot((i % side) - radius, Math.floor(i / side) - radius);
  let best = 0;
  for (let i = 1; i < cost.length; i++) if (cost[i]! < cost[best]! || (cost[i] === cost[best] && length(i) < length(best))) best = i;
  return best;
}

/** The shift at index `i` of a `costs` grid around `centre`. */
function shiftAt(i: number, radius: number, centre: Shift): Shift {
  const side = 2 * radius + 1;
  return { dx: centre.dx + (i % side) - radius, dy: centre.dy + Math.floor(i / side) - radius };
}

function bestOf(a: Float32Array, b: Float32Array, w: number, h: number, centre: Shift, radius: number, margin: number, stride: number): Shift {
  return shiftAt(lowest(costs(a, b, w, h, centre, radius, margin, stride), radius), radius, centre);
}

/**
 * The lowest local minimum more than RUNNER_UP_GAP px from `best` (Infinity when there is none).
 * A local minimum, not any cost: the best match's own valley is long along the blur (30 px on
 * GoPro frame 802) and would always offer a close second.
 */
function runnerUp(cost: Float64Array, radius: number, best: number): number {
  const side = 2 * radius + 1;
  const [bx, by] = [best % side, Math.floor(best / side)];
  let found = Infinity;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const c = cost[y * side + x]!;
      if (Math.max(Math.abs(x - bx), Math.abs(y - by)) <= RUNNER_UP_GAP || c >= found) continue;
      let isMinimum = true;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(side - 1, y + 1) && isMinimum; ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(side - 1, x + 1); nx++) if (cost[ny * side + nx]! < c) isMinimum = false;
      }
      if (isMinimum) found = c;
    }
  }
  return found;
}

/** The search radius: the compared window is the region less `r` on every side, so at least half of each side. */
function searchRadius(w: number, h: number, scale: number): number {
  return Math.min(Math.ceil(SEARCH / scale), Math.floor(Math.min(w, h) / 4));
}

function comparable(w: number, h: number, r: number): boolean {
  return (w - 2 * r) * (h - 2 * r) >= MIN_COMPARED;
}

/** The smallest square pair (px a side) whose shift is measured, for the report's words. */
export function smallestMeasuredSide(): number {
  let side = 1;
  while (!comparable(side, side, searchRadius(side, side, 1))) side++;
  return side;
}

/**
 * Shift of the sharp region against the blurred one (equal sizes). First an exhaustive search
 * over the whole pair shrunk to at most THUMB px: the whole frame (not a central patch) keeps
 * local repeats and moving objects from winning, and the shrink shortens motion streaks, which
 * otherwise pull the match towards one end of the shake path. A shrunk pixel is several real
 * ones (4 for a 1280-px photo), too coarse to apply, so large photos are then matched again at
 * full resolution within one shrunk pixel of that (camera-size ones through a MID-px level
 * first: a ±19-px full-resolution window was 9 s of a 24 MP pair's check). Every level is made
 * from the grey regions given (each file decoded once, pair-grey.ts). The cost is compared over
 * the same central window for every candidate, so the window shrinks as the search widens: a
 * pair too small for a trustworthy window, or whose best match is not clearly better than a
 * distant second, is not moved (`trust` says why).
 */
export async function measureShift(ga: Grey, gb: Grey): Promise<MeasuredShift> {
  const scale = Math.max(1, Math.max(ga.width, ga.height) / THUMB);
  const w = Math.round(ga.width / scale);
  const h = Math.round(ga.height / scale);
  const r = searchRadius(w, h, scale);
  const unmoved = { dx: 0, dy: 0, atEdge: false, zeroRuledOut: false };
  if (!comparable(w, h, r)) return { ...unmoved, trust: 'too-small' };
  const [a, b] = await Promise.all([level(ga, w, h), level(gb, w, h)]);
  const cost = costs(a, b, w, h, { dx: 0, dy: 0 }, r, r, 1);
  const best = lowest(cost, r);
  const coarse = shiftAt(best, r, { dx: 0, dy: 0 });
  if (runnerUp(cost, r, best) < UNIQUE * cost[best]!) {
    // The grid's middle is the zero shift.
    return { ...unmoved, trust: 'ambiguous', zeroRuledOut: cost[(cost.length - 1) / 2]! > ZERO_IMPLAUSIBLE * cost[best]! };
  }
  const atEdge = r > 0 && Math.max(Math.abs(coarse.dx), Math.abs(coarse.dy)) === r;
  if (scale === 1) return { ...coarse, atEdge, trust: 'matched', zeroRuledOut: false };
  let found = { dx: Math.round(coarse.dx * scale), dy: Math.round(coarse.dy * scale) };
  let radius = Math.ceil(scale);
  const mid = Math.max(ga.width, ga.height) / MID;
  if (mid > 1) {
    const at = await refine(ga, gb, { dx: found.dx / mid, dy: found.dy / mid }, Math.ceil(scale / mid), 1 / mid);
    found = { dx: Math.round(at.dx * mid), dy: Math.round(at.dy * mid) };
    radius = Math.ceil(mid);
  }
  return { ...(await refine(ga, gb, found, radius, 1)), atEdge, trust: 'matched', zeroRuledOut: false };
}

/** A level of the search: the grey region resized to width × height and lightly smoothed. */
async function level(g: Grey, width: number, height: number): Promise<Float32Array> {
  const raw = { raw: { width: g.width, height: g.height, channels: 1 as const } };
  return Float32Array.from(await sharp(g.data, raw).greyscale().resize(width, height, { fit: 'fill' }).blur(1).raw().toBuffer());
}

/**
 * Match within ±radius of `start` (in the level's pixels) on the grey regions shrunk by `factor`
 * (1: full resolution), summed on a sparse grid of the whole region.
 */
async function refine(ga: Grey, gb: Grey, start: Shift, radius: number, factor: number): Promise<Shift> {
  const w = Math.round(ga.width * factor);
  const h = Math.round(ga.height * factor);
  const centre = { dx: Math.round(start.dx), dy: Math.round(start.dy) };
  const margin = Math.max(Math.abs(centre.dx), Math.abs(centre.dy)) + radius;
  if (2 * margin >= Math.min(w, h)) return centre;
  const [a, b] = await Promise.all([level(ga, w, h), level(gb, w, h)]);
  const stride = Math.max(1, Math.ceil(Math.sqrt(((w - 2 * margin) * (h - 2 * margin)) / REFINE_SAMPLES)));
  return bestOf(a, b, w, h, centre, radius, margin, stride);
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
