import sharp from 'sharp';
import type { Region } from './pair-alignment.js';
import { cropGrey, type Grey } from './pair-grey.js';

/**
 * Whether a pair's "blurred" photo is its sharp photo again — the same picture in another format,
 * or re-saved as a JPEG — so that training on it teaches the model to change nothing. Measured on
 * the lined-up regions at full resolution: shrunk, a real shake of a few pixels falls under one
 * pixel and a mildly shaken pair would pass for a copy (docs/decisions.md, "A pair of one picture
 * twice is skipped").
 */

/** Grey PSNR (dB) at or above which the two could be one picture… */
export const SAME_PICTURE_DB = 40;
/** …if the blurred one also keeps this share of the sharp one's detail (gradient energy). */
export const SAME_DETAIL = 0.95;

export interface Sameness {
  /** Grey PSNR of blurred against sharp; Infinity for identical pixels. */
  psnr: number;
  /** Gradient energy of the blurred photo over the sharp photo's: well under 1 for a shaken photo. */
  detail: number;
}

/**
 * A region of a decoded photo, lightly smoothed (as the shift search's) so JPEG block noise is not
 * detail. Cut before smoothing, as when each file was decoded here: the region's edges are smoothed
 * as its own, and the scores are the same to the last bit.
 */
function smoothed(g: Grey, r: Region): Promise<Buffer> {
  const region = cropGrey(g, r);
  const raw = { raw: { width: region.width, height: region.height, channels: 1 as const } };
  return sharp(region.data, raw).greyscale().blur(1).raw({ depth: 'uchar' }).toBuffer();
}

function gradientEnergy(a: Buffer, w: number, h: number): number {
  let sum = 0;
  for (let y = 0; y < h - 1; y++) {
    for (let x = 0; x < w - 1; x++) {
      const i = y * w + x;
      sum += (a[i + 1]! - a[i]!) ** 2 + (a[i + w]! - a[i]!) ** 2;
    }
  }
  return sum;
}

/** How alike the two regions (equal in size, lined up) of the decoded photos are. */
export async function measureSameness(blurred: Grey, sharpG: Grey, blurRegion: Region, sharpRegion: Region): Promise<Sameness> {
  const [a, b] = await Promise.all([smoothed(blurred, blurRegion), smoothed(sharpG, sharpRegion)]);
  let squared = 0;
  for (let i = 0; i < a.length; i++) squared += (a[i]! - b[i]!) ** 2;
  const { width: w, height: h } = blurRegion;
  const sharpDetail = gradientEnergy(b, w, h);
  return {
    psnr: squared === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / squared),
    // Two flat photos have no detail to lose: as alike as can be.
    detail: sharpDetail === 0 ? 1 : gradientEnergy(a, w, h) / sharpDetail,
  };
}

/**
 * The skip reason for a pair of one picture twice, or null. Both tests, since each alone skips
 * real pairs: a blur of σ 1 px keeps 45–49 dB (as much as a re-saved JPEG), and a noisy shaken
 * photo can keep its gradient energy while differing by far more than 40 dB allows.
 */
export function samePictureReason(s: Sameness): string | null {
  if (s.psnr < SAME_PICTURE_DB || s.detail < SAME_DETAIL) return null;
  const how = Number.isFinite(s.psnr) ? `their pixels differ by no more than a re-saved copy's (${s.psnr.toFixed(1)} dB) and the blurred one is as detailed` : 'identical pixels';
  return `the blurred and sharp photos are the same picture (${how}): nothing to learn; pair each blurred photo with a sharp photo of the same scene`;
}
