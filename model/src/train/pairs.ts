import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import sharp from 'sharp';
import { UnshakeError } from '../errors.js';
import { discoverPairs, type PairCandidate } from './pair-discovery.js';
import { Rng } from './random.js';

/**
 * Validates every discovered pair before training starts (each bad pair is skipped with a
 * reason the user can act on) and splits the good ones into train / held-out validation.
 * Everything is read upright (EXIF orientation applied first), so a portrait JPEG paired
 * with an already-rotated PNG matches.
 */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface TrainingPair extends PairCandidate {
  /** Upright region of each file to use; equal sizes (centre-cropped when sizes differ slightly). */
  blurRegion: Region;
  sharpRegion: Region;
  /** Estimated misalignment (px, upright, full resolution) that was accepted. */
  shift: { dx: number; dy: number };
  /** SHA-256 of the sharp file: pairs that share one target are split together (splitPairs). */
  sharpHash: string;
  note: string | null;
}

export interface RejectedPair extends PairCandidate {
  reason: string;
}

export interface PairValidation {
  layout: string;
  valid: TrainingPair[];
  rejected: RejectedPair[];
  unmatched: { file: string; reason: string }[];
}

export interface ValidationOptions {
  /** Sizes may differ by up to this many pixels; both are then centre-cropped to the common size. */
  maxSizeDifference?: number;
  /** Pairs whose estimated shift exceeds this (px) are rejected as misaligned. */
  maxShift?: number;
  /** Pairs smaller than this on either side cannot give a training crop. */
  minSize?: number;
}

const SEARCH = 24; // shift search radius (px, full resolution)
const THUMB = 320;

interface Probe {
  width: number;
  height: number;
  hash: string;
}

async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function probe(file: string): Promise<Probe> {
  const meta = await sharp(file).metadata();
  if (!meta.width || !meta.height) throw new Error('no image dimensions');
  const swap = (meta.orientation ?? 1) >= 5; // orientations 5–8 turn the image by 90°
  return { width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, hash: await fileHash(file) };
}

function centred(p: Probe, width: number, height: number): Region {
  return { left: Math.floor((p.width - width) / 2), top: Math.floor((p.height - height) / 2), width, height };
}

/** Upright grey pixels of a region, shrunk by `scale` and lightly smoothed. */
async function greyThumb(file: string, r: Region, width: number, height: number): Promise<Float32Array> {
  const { data } = await sharp(file).rotate().extract(r).greyscale().resize(width, height, { fit: 'fill' }).blur(1).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data);
}

/**
 * Shift (px, full resolution) of the sharp image relative to the blurred one: exhaustive
 * sum-of-squares search over the whole pair shrunk to at most THUMB px, mean over the overlap.
 * The whole frame (not a central patch) keeps local repeats and moving objects from winning;
 * the shrink also shortens motion streaks, which otherwise pull the match towards one end of
 * the shake path. Resolution is one thumbnail pixel (≈ 4 px for a 1280-px photo).
 */
export async function estimateShift(pair: PairCandidate, blur: Region, sharpR: Region): Promise<{ dx: number; dy: number }> {
  const scale = Math.max(1, Math.max(blur.width, blur.height) / THUMB);
  const w = Math.round(blur.width / scale);
  const h = Math.round(blur.height / scale);
  const [a, b] = await Promise.all([greyThumb(pair.blurred, blur, w, h), greyThumb(pair.sharp, sharpR, w, h)]);
  const r = Math.min(Math.ceil(SEARCH / scale), Math.floor(Math.min(w, h) / 4));
  let best = { dx: 0, dy: 0, cost: Infinity };
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      let cost = 0;
      for (let y = r; y < h - r; y++) {
        for (let x = r; x < w - r; x++) cost += (a[y * w + x]! - b[(y + dy) * w + x + dx]!) ** 2;
      }
      // Prefer the smaller shift on ties (flat images) so textureless pairs are not rejected.
      if (cost < best.cost || (cost === best.cost && Math.hypot(dx, dy) < Math.hypot(best.dx, best.dy))) best = { dx, dy, cost };
    }
  }
  return { dx: Math.round(best.dx * scale), dy: Math.round(best.dy * scale) };
}

async function checkPair(pair: PairCandidate, o: Required<ValidationOptions>, seen: Map<string, string>): Promise<TrainingPair | string> {
  let blur: Probe;
  let sharpP: Probe;
  try {
    [blur, sharpP] = await Promise.all([probe(pair.blurred), probe(pair.sharp)]);
  } catch (error) {
    const which = await probe(pair.blurred).then(() => pair.sharp, () => pair.blurred);
    return `unreadable: ${which} (${(error as Error).message})`;
  }
  if (blur.hash === sharpP.hash) return 'the blurred and sharp files are the same image';
  const key = `${blur.hash}:${sharpP.hash}`;
  const twin = seen.get(key);
  if (twin) return `duplicate of pair "${twin}"`;
  seen.set(key, pair.name);
  const dw = Math.abs(blur.width - sharpP.width);
  const dh = Math.abs(blur.height - sharpP.height);
  if (dw > o.maxSizeDifference || dh > o.maxSizeDifference) {
    return `size mismatch: blurred ${blur.width}×${blur.height}, sharp ${sharpP.width}×${sharpP.height} (more than ${o.maxSizeDifference} px apart)`;
  }
  const width = Math.min(blur.width, sharpP.width);
  const height = Math.min(blur.height, sharpP.height);
  if (width < o.minSize || height < o.minSize) return `too small: ${width}×${height} is under the ${o.minSize}-px crop size`;
  const blurRegion = centred(blur, width, height);
  const sharpRegion = centred(sharpP, width, height);
  let shift: { dx: number; dy: number };
  try {
    shift = await estimateShift(pair, blurRegion, sharpRegion);
  } catch (error) {
    // The header read fine but the pixels do not (a cut-short download): this pair fails alone.
    const which = await greyThumb(pair.blurred, blurRegion, 8, 8).then(() => pair.sharp, () => pair.blurred);
    return `damaged or truncated: ${which} (${(error as Error).message})`;
  }
  const distance = Math.hypot(shift.dx, shift.dy);
  if (distance > o.maxShift) {
    return `misaligned: the sharp image is shifted by about ${shift.dx}, ${shift.dy} px (limit ${o.maxShift} px)`;
  }
  const note = dw || dh ? `sizes differ by ${dw}×${dh} px; both centre-cropped to ${width}×${height}` : null;
  return { ...pair, blurRegion, sharpRegion, shift: { dx: shift.dx, dy: shift.dy }, sharpHash: sharpP.hash, note };
}

export async function validatePairs(folder: string, options: ValidationOptions = {}): Promise<PairValidation> {
  const o: Required<ValidationOptions> = { maxSizeDifference: 8, maxShift: 8, minSize: 32, ...options };
  const found = await discoverPairs(folder);
  const seen = new Map<string, string>();
  const valid: TrainingPair[] = [];
  const rejected: RejectedPair[] = [];
  // One pair at a time: bounded memory for folders of large photos.
  for (const pair of found.pairs) {
    const result = await checkPair(pair, o, seen);
    if (typeof result === 'string') rejected.push({ ...pair, reason: result });
    else valid.push(result);
  }
  return { layout: found.layout, valid, rejected, unmatched: found.unmatched };
}

export interface Split {
  train: TrainingPair[];
  validation: TrainingPair[];
  note: string | null;
}

/**
 * Seeded split; at least one held-out pair. Pairs that share a sharp image (one tripod frame,
 * several handheld shots) show one scene and stay on one side: held out apart, their validation
 * score would be measured on a training target. With one scene it is used for both (said so).
 */
export function splitPairs(valid: TrainingPair[], fraction = 0.2, seed = 1): Split {
  if (valid.length === 0) {
    throw new UnshakeError('INVALID_REQUEST', 'No valid training pairs: every pair was rejected or none were found (see the report above).');
  }
  const byTarget = new Map<string, TrainingPair[]>();
  for (const p of valid) byTarget.set(p.sharpHash, [...(byTarget.get(p.sharpHash) ?? []), p]);
  const scenes = [...byTarget.values()];
  if (scenes.length === 1) {
    const note = valid.length === 1
      ? 'Only one valid pair: it is used for training and validation, so the validation scores are not held out.'
      : `All ${valid.length} valid pairs share one sharp image: they are used for training and validation, so the validation scores are not held out.`;
    return { train: valid, validation: valid, note };
  }
  const shuffled = new Rng(seed).shuffle(scenes);
  const wanted = Math.min(valid.length - 1, Math.max(1, Math.round(valid.length * fraction)));
  const validation: TrainingPair[] = [];
  let taken = 0;
  while (validation.length < wanted && taken < shuffled.length - 1) validation.push(...shuffled[taken++]!);
  return { train: shuffled.slice(taken).flat(), validation, note: null };
}
