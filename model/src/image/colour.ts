import { UnshakeError } from '../errors.js';
import type { BitDepth, RasterImage } from './types.js';

/**
 * Conversions between a RasterImage (the file's own values and bit depth) and the network's
 * interleaved RGB float input.
 *
 * Colour management, honestly: the network sees the file's own RGB values, scaled to 0..1.
 * We do NOT convert a non-sRGB embedded profile (Display P3, Adobe RGB, ...) to sRGB here.
 * sharp can only convert whole images (integer in, integer out, gamut clipped) and can only
 * convert back from its own working profile, so a round trip would shift every pixel of the
 * photo, including those outside the user's selection, and clip wide-gamut colours. Deblurring
 * is a spatial operation that depends little on the primaries, and common RGB profiles have
 * tone curves close to sRGB's, so working in the file's space costs little. Encoding then
 * re-embeds the original profile untouched, so colours mean exactly what they meant before.
 * CMYK and Lab sources are the exception: they are converted to sRGB on decode (decode.ts).
 */

export function maxValue(bitDepth: BitDepth): number {
  return bitDepth === 16 ? 65535 : 255;
}

/** Whether sharp's colour space (Metadata.space) is a gray one, 8- or 16-bit. */
export function isGraySpace(space: string | undefined): boolean {
  return space === 'b-w' || space === 'grey16';
}

export function isGray(raster: Pick<RasterImage, 'channels'>): boolean {
  return raster.channels <= 2;
}

/** Interleaved RGB in 0..1; gray is copied into R, G and B; alpha is dropped. */
export function toNetworkRgb(raster: RasterImage): Float32Array {
  const { channels, pixels } = raster;
  const count = raster.width * raster.height;
  const scale = 1 / maxValue(raster.bitDepth);
  const out = new Float32Array(count * 3);
  const gray = isGray(raster);
  for (let i = 0, src = 0, dst = 0; i < count; i++, src += channels, dst += 3) {
    if (gray) {
      const v = pixels[src]! * scale;
      out[dst] = v;
      out[dst + 1] = v;
      out[dst + 2] = v;
    } else {
      out[dst] = pixels[src]! * scale;
      out[dst + 1] = pixels[src + 1]! * scale;
      out[dst + 2] = pixels[src + 2]! * scale;
    }
  }
  return out;
}

/**
 * Back from network RGB (0..1, clamped, NaN → 0) to `like`'s channel count and bit depth,
 * rounding to the nearest level. Gray takes the plain mean of R, G, B rather than Rec.709
 * luma: the input was one gray value copied three times, so the outputs are three estimates
 * of the same value and equal weights average their errors best (luma weights would be right
 * for turning a colour photo gray, which this is not). Alpha is copied from `like` untouched.
 */
export function fromNetworkRgb(rgb: Float32Array, like: RasterImage): RasterImage {
  const { width, height, channels, bitDepth } = like;
  const count = width * height;
  if (rgb.length !== count * 3) {
    throw new UnshakeError('INFERENCE_FAILED', `The network returned ${rgb.length} values where ${count * 3} were expected.`);
  }
  const max = maxValue(bitDepth);
  const pixels = bitDepth === 16 ? new Uint16Array(count * channels) : new Uint8Array(count * channels);
  const gray = isGray(like);
  const colour = gray ? 1 : 3;
  const hasAlpha = channels === 2 || channels === 4;
  for (let i = 0, src = 0, dst = 0; i < count; i++, src += 3, dst += channels) {
    if (gray) {
      pixels[dst] = Math.round(unit((rgb[src]! + rgb[src + 1]! + rgb[src + 2]!) / 3) * max);
    } else {
      pixels[dst] = Math.round(unit(rgb[src]!) * max);
      pixels[dst + 1] = Math.round(unit(rgb[src + 1]!) * max);
      pixels[dst + 2] = Math.round(unit(rgb[src + 2]!) * max);
    }
    if (hasAlpha) pixels[dst + colour] = like.pixels[dst + colour]!;
  }
  return { width, height, channels, bitDepth, pixels };
}

/** A raster at 8 bits: 16-bit values are rounded to the nearest 8-bit level (v / 257). */
export function toEightBit(raster: RasterImage): RasterImage {
  if (raster.bitDepth === 8) return raster;
  const source = raster.pixels;
  const pixels = new Uint8Array(source.length);
  for (let i = 0; i < source.length; i++) pixels[i] = Math.round(source[i]! / 257);
  return { ...raster, bitDepth: 8, pixels };
}

function unit(v: number): number {
  return v > 0 ? (v < 1 ? v : 1) : 0;
}
