import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import sharp from 'sharp';
import { UnshakeError } from '../errors.js';
import { alignedRegions, framingWords, measureShift, shiftLength, type Region, type Shift } from './pair-alignment.js';
import { discoverPairs, type PairCandidate } from './pair-discovery.js';
import { cropGrey, decodeGrey, type Grey } from './pair-grey.js';
import { measureSameness, samePictureReason } from './pair-sameness.js';
import { Rng } from './random.js';
import { throwIfStopped } from './train-stop.js';

/**
 * Validates every discovered pair before training starts (each bad pair is skipped with a
 * reason the user can act on) and splits the good ones into train / held-out validation.
 * Everything is read upright (EXIF orientation applied first), so a portrait JPEG paired
 * with an already-rotated PNG matches.
 */
export type { Region, Shift } from './pair-alignment.js';

export interface TrainingPair extends PairCandidate {
  /**
   * Upright region of each file to use, equal in size and lined up: the measured shift is folded
   * in, so cutting the same place from both regions gives crops that show the same scene.
   */
  blurRegion: Region;
  sharpRegion: Region;
  /** Measured shift (px, upright, full resolution) against centred regions; the regions correct it. */
  shift: Shift;
  /** SHA-256 of the sharp file: pairs that share one target are split together (splitPairs). */
  sharpHash: string;
  note: string | null;
  /** Set when the shift could not be measured (the pair is used as it is): too small, or no unique match. */
  unchecked?: 'too-small' | 'ambiguous';
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
  /** Sizes may differ by up to this many pixels; the part both show is used. */
  maxSizeDifference?: number;
  /** Shifts up to this (px) are corrected; larger ones are rejected as a different framing. */
  maxShift?: number;
  /** Pairs smaller than this on either side cannot give a training crop. */
  minSize?: number;
}

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

/** The user's note on a kept pair: how it was lined up, if it needed to be. */
function alignmentNote(shift: Shift, framing: Shift, dw: number, dh: number, r: Region): string | null {
  const sizes = dw || dh ? `sizes differ by ${dw}×${dh} px; ` : '';
  if (!shiftLength(shift)) return sizes ? `${sizes}both centre-cropped to ${r.width}×${r.height}` : null;
  const from = sizes ? ' from centred' : '';
  return `${sizes}realigned by ${shiftLength(shift)} px${from}: ${framingWords(framing)}; training uses the ${r.width}×${r.height} px both show`;
}

/** Both photos upright in grey, or why one cannot be read. */
async function decodeBoth(pair: PairCandidate): Promise<[Grey, Grey] | string> {
  const [blurred, sharpG] = await Promise.allSettled([decodeGrey(pair.blurred), decodeGrey(pair.sharp)]);
  if (blurred.status === 'fulfilled' && sharpG.status === 'fulfilled') return [blurred.value, sharpG.value];
  // The header read fine but the pixels do not (a cut-short download): this pair fails alone.
  const [which, error] = blurred.status === 'rejected' ? [pair.blurred, blurred.reason] : [pair.sharp, (sharpG as PromiseRejectedResult).reason];
  return `damaged or truncated: ${which} (${(error as Error).message})`;
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
  const centredBlur = centred(blur, width, height);
  const centredSharp = centred(sharpP, width, height);
  // Decoded once for both checks below: a 24 MP file takes about a second.
  const greys = await decodeBoth(pair);
  if (typeof greys === 'string') return greys;
  const [blurGrey, sharpGrey] = greys;
  const measured = await measureShift(cropGrey(blurGrey, centredBlur), cropGrey(sharpGrey, centredSharp));
  const shift = { dx: measured.dx, dy: measured.dy };
  const { blurRegion, sharpRegion, framing } = alignedRegions(blur, sharpP, centredBlur, centredSharp, shift);
  const crop = 'crop both photos to the same view (a different framing, zoom or rotation cannot be lined up)';
  if (measured.zeroRuledOut) return `misaligned: the photos do not line up as they are, and no single shift lines them up; ${crop}`;
  // A match on the search's border may be a wrong one: the real shift could lie beyond it.
  if (measured.atEdge) return `misaligned: no match within the search (the best, ${shiftLength(shift)} px off, lies on its edge); ${crop}`;
  if (shiftLength(shift) > o.maxShift) {
    return `misaligned: ${framingWords(framing)} (about ${shiftLength(shift)} px off), more than the ${o.maxShift} px that are lined up; ${crop}`;
  }
  if (blurRegion.width < o.minSize || blurRegion.height < o.minSize) {
    return `too small once lined up: ${blurRegion.width}×${blurRegion.height} px show the same scene, under the ${o.minSize}-px crop size`;
  }
  // Another format of the same files passes the hash test above, and would teach the model to change nothing.
  const same = samePictureReason(await measureSameness(blurGrey, sharpGrey, blurRegion, sharpRegion));
  if (same) return same;
  const unchecked = measured.trust === 'matched' ? {} : { unchecked: measured.trust };
  return { ...pair, blurRegion, sharpRegion, shift, sharpHash: sharpP.hash, note: alignmentNote(shift, framing, dw, dh, blurRegion), ...unchecked };
}

/**
 * `onProgress(checked, total)`: after each pair (and once before the first), for a count on screen.
 * `signal`: a stop is seen before each pair (a camera-size pair takes a second or more).
 */
export async function validatePairs(
  folder: string,
  options: ValidationOptions = {},
  onProgress?: (checked: number, total: number) => void,
  signal?: AbortSignal,
): Promise<PairValidation> {
  const o: Required<ValidationOptions> = { maxSizeDifference: 8, maxShift: 16, minSize: 32, ...options };
  const found = await discoverPairs(folder);
  const seen = new Map<string, string>();
  const valid: TrainingPair[] = [];
  const rejected: RejectedPair[] = [];
  onProgress?.(0, found.pairs.length);
  // One pair at a time: bounded memory for folders of large photos.
  for (const pair of found.pairs) {
    throwIfStopped(signal);
    const result = await checkPair(pair, o, seen);
    if (typeof result === 'string') rejected.push({ ...pair, reason: result });
    else valid.push(result);
    onProgress?.(valid.length + rejected.length, found.pairs.length);
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
      ? 'Only one valid pair: it is used both for training and to measure progress.'
      : `All ${valid.length} valid pairs share one sharp image (one scene): they are used both for training and to measure progress.`;
    return { train: valid, validation: valid, note };
  }
  const shuffled = new Rng(seed).shuffle(scenes);
  const wanted = Math.min(valid.length - 1, Math.max(1, Math.round(valid.length * fraction)));
  const validation: TrainingPair[] = [];
  let taken = 0;
  while (validation.length < wanted && taken < shuffled.length - 1) validation.push(...shuffled[taken++]!);
  return { train: shuffled.slice(taken).flat(), validation, note: null };
}
