import { decodeRegion } from '../crop-sampler.js';
import { Rng } from '../random.js';
import { throwIfStopped } from '../train-stop.js';
import { rgbToNetwork, toUnitRange } from '../tensor-image.js';
import type { ValidationItem } from '../train-validation.js';
import type { SharpPhoto } from './sharp-folder.js';
import { degrade, drawShakeParams } from './shake-degrade.js';
import { drawShake } from './shake-kernel.js';
import { shakeFootprint, sharpInside, warpPlace, type ShakeSynthesis } from './synth-sampler.js';

/**
 * Held-out items for sharp-only folders: one synthetic blurred/sharp centre crop per held-out
 * photo. Each photo's randomness is seeded by (seed, file name) alone, so the items are the
 * same every time — before, during and after training, and after a resume — and base vs
 * fine-tuned scores compare like for like.
 */
function itemSeed(seed: number, name: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (const ch of `${seed}\u0000${name}`) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h;
}

export async function syntheticValidationSet(photos: readonly SharpPhoto[], synth: ShakeSynthesis, size: number, seed: number, signal?: AbortSignal): Promise<ValidationItem[]> {
  const items: ValidationItem[] = [];
  for (const photo of photos) {
    throwIfStopped(signal);
    const rng = new Rng(itemSeed(seed, photo.name));
    const shake = drawShake(rng, synth.spec, synth.bank);
    const footprint = shakeFootprint(shake, photo.width, photo.height);
    const edge = Math.floor(Math.min(size, photo.width - footprint.width + 1, photo.height - footprint.height + 1) / 4) * 4;
    const width = edge + footprint.width - 1;
    const height = edge + footprint.height - 1;
    const region = { left: Math.floor((photo.width - width) / 2), top: Math.floor((photo.height - height) / 2), width, height };
    const big = { width, height, data: await decodeRegion(photo.file, region) };
    const params = drawShakeParams(rng, synth.spec);
    const place = warpPlace(shake, photo, region.top, region.left, footprint, edge);
    const blurred = await degrade(rng, big, shake, params, synth.spec, place);
    const target = toUnitRange(rgbToNetwork(sharpInside(big, footprint, edge).data));
    items.push({ name: photo.name, edge, blurred: blurred.data, target });
  }
  return items;
}
