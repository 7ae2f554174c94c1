import { assembleBatch, decodeRegion, type CropBatch } from '../crop-sampler.js';
import type { Rng } from '../random.js';
import type { SharpPhoto } from './sharp-folder.js';
import { degrade, drawShakeParams, type RgbImage, type ShakeParams } from './shake-degrade.js';
import { drawShake, type BankKernel, type KernelSource, type Shake } from './shake-kernel.js';
import { warpMargin, type WarpPlace } from './shake-warp.js';
import type { Kernel } from './shake-trajectory.js';
import type { SynthesisSpec } from './synthesis-spec.js';

/**
 * Training batches from sharp-only photos: each sample draws a shake kernel, a textured crop
 * (plus the kernel's margin) from a random photo, and blurs it with the spec's recipe
 * (synth.py `sample`); then the same flip / rot90 goes to both. Same interface as CropSampler.
 * Every random choice comes from the one Rng, in a fixed order, so a checkpointed rng state
 * resumes the exact stream. Only a few decoded photos are cached (LRU).
 */
export interface ShakeSynthesis {
  spec: SynthesisSpec;
  bank: readonly BankKernel[];
}

export interface SyntheticSample {
  blurred: Uint8Array;
  sharp: Uint8Array;
  photo: string;
  source: KernelSource;
  shake: Shake;
  params: ShakeParams;
}

/** A rectangle of an interleaved RGB image. */
export function cutRgb(img: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

/** Mean absolute finite difference of the grey image, 0..1 scale (data.py gradient_energy). */
export function gradientEnergy(img: RgbImage): number {
  const { width: w, height: h, data } = img;
  const grey = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) grey[i] = (data[3 * i]! + data[3 * i + 1]! + data[3 * i + 2]!) / 3 / 255;
  let dy = 0;
  let dx = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (y + 1 < h) dy += Math.abs(grey[(y + 1) * w + x]! - grey[y * w + x]!);
      if (x + 1 < w) dx += Math.abs(grey[y * w + x + 1]! - grey[y * w + x]!);
    }
  }
  return (h > 1 ? dy / ((h - 1) * w) : 0) + (w > 1 ? dx / (h * (w - 1)) : 0);
}

/** The sharp crop inside a kernel-sized margin, where synth.py puts it (offset kh//2, kw//2). */
export function sharpInside(big: RgbImage, k: Pick<Kernel, 'width' | 'height'>, size: number): RgbImage {
  return cutRgb(big, Math.floor(k.width / 2), Math.floor(k.height / 2), size, size);
}

/** The margin a shake needs around a crop of this photo, as the sides of a kernel (a warp: 2m + 1). */
export function shakeFootprint(shake: Shake, photoWidth: number, photoHeight: number): { width: number; height: number } {
  if (shake.source !== 'warp') return shake.kernel;
  const side = 2 * warpMargin(shake.warp, photoHeight, photoWidth) + 1;
  return { width: side, height: side };
}

/** Where a warp's big crop sits (undefined for a kernel, which needs none). */
export function warpPlace(shake: Shake, img: { width: number; height: number }, top: number, left: number, footprint: { width: number }, size: number): WarpPlace | undefined {
  if (shake.source !== 'warp') return undefined;
  return { top, left, photoHeight: img.height, photoWidth: img.width, margin: Math.floor(footprint.width / 2), size };
}

async function decodeUpright(photo: SharpPhoto): Promise<RgbImage> {
  const data = await decodeRegion(photo.file, { left: 0, top: 0, width: photo.width, height: photo.height });
  return { width: photo.width, height: photo.height, data };
}

export interface SynthSamplerOptions {
  crop: number;
  batch: number;
  rng: Rng;
  cacheSize?: number;
  /**
   * A share of samples drawn with another spec's shake (the mild spec: 0–8 px, some none), so a
   * fine-tuned net still leaves nearly sharp photos alone. Without it no extra random draw is made.
   */
  mild?: { synth: ShakeSynthesis; share: number };
}

/** Up to this many crops are tried for texture before the last one is used (as synth.py). */
const CROP_TRIES = 10;
/** A shake drawn too big for most photos would otherwise spin: give up with a clear error (as synth.py). */
const PHOTO_DRAWS = 100;

export class SynthSampler {
  private readonly cache = new Map<string, RgbImage>();

  constructor(
    private readonly photos: readonly SharpPhoto[],
    private readonly synth: ShakeSynthesis,
    private readonly options: SynthSamplerOptions,
  ) {
    if (photos.length === 0) throw new Error('SynthSampler needs at least one photo');
  }

  private async load(photo: SharpPhoto): Promise<RgbImage> {
    const hit = this.cache.get(photo.file);
    if (hit) {
      this.cache.delete(photo.file); // re-insert so Map order tracks recency
      this.cache.set(photo.file, hit);
      return hit;
    }
    const decoded = await decodeUpright(photo);
    this.cache.set(photo.file, decoded);
    while (this.cache.size > (this.options.cacheSize ?? 2)) this.cache.delete(this.cache.keys().next().value!);
    return decoded;
  }

  /** Number of decoded photos held right now (bounded by cacheSize). */
  get cachedPhotos(): number {
    return this.cache.size;
  }

  /**
   * A random photo with room for the crop plus this shake's margin (synth.py `_fitting_photo`):
   * a photo too small for this draw's shake is passed over, so small photos still serve smaller
   * shakes, and draws that fit consume the random stream exactly as before.
   */
  private async fittingPhoto(shake: Shake, size: number): Promise<{ photo: SharpPhoto; img: RgbImage; footprint: { width: number; height: number } }> {
    const { rng } = this.options;
    let footprint = { width: 1, height: 1 };
    for (let draw = 0; draw < PHOTO_DRAWS; draw++) {
      const photo = this.photos[rng.int(this.photos.length)]!;
      const img = await this.load(photo);
      footprint = shakeFootprint(shake, img.width, img.height);
      if (img.width >= size + footprint.width - 1 && img.height >= size + footprint.height - 1) return { photo, img, footprint };
    }
    throw new RangeError(
      `No photo of ${this.photos.length} drawn in ${PHOTO_DRAWS} tries has room for a ${size}-px crop and a ${footprint.width}×${footprint.height}-px shake: add larger photos or train on smaller crops.`,
    );
  }

  /** One blurred/sharp pair of `size` px, before augmentation. */
  async sample(size = this.options.crop): Promise<SyntheticSample> {
    const { rng, mild } = this.options;
    const { spec, bank } = mild && mild.share > 0 && rng.next() < mild.share ? mild.synth : this.synth;
    const shake = drawShake(rng, spec, bank);
    let big: RgbImage | null = null;
    let photo = this.photos[0]!;
    let place: WarpPlace | undefined;
    let footprint = { width: 1, height: 1 };
    for (let attempt = 0; attempt < CROP_TRIES; attempt++) {
      const fitting = await this.fittingPhoto(shake, size);
      ({ photo, footprint } = fitting);
      const { img } = fitting;
      const spanX = img.width - size - footprint.width + 2;
      const spanY = img.height - size - footprint.height + 2;
      const top = rng.int(spanY);
      const left = rng.int(spanX);
      big = cutRgb(img, left, top, size + footprint.width - 1, size + footprint.height - 1);
      place = warpPlace(shake, img, top, left, footprint, size);
      if (gradientEnergy(sharpInside(big, footprint, size)) >= spec.crop.minGradientEnergy) break;
    }
    const params = drawShakeParams(rng, spec);
    const blurred = await degrade(rng, big!, shake, params, spec, place);
    return { blurred: blurred.data, sharp: sharpInside(big!, footprint, size).data, photo: photo.name, source: shake.source, shake, params };
  }

  async nextBatch(): Promise<CropBatch> {
    const { crop, batch, rng } = this.options;
    return assembleBatch(crop, batch, rng, () => this.sample());
  }
}
