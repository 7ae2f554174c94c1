import { UnshakeError } from '../errors.js';
import type { RasterImage } from './types.js';

/**
 * A finished deblur at a lower strength, without running the network again. The engine blends
 * linearly in the photo's own values — original + strength × mask × (network − original) — so
 * keeping a share `keep` of the result's change, original + keep × (result − original), is the
 * result at keep × its strength: within one level (the result was rounded once already), and
 * bit-exact wherever the result left the original alone. Alpha stays the original's.
 * Returns a new raster and changes neither input, or with `inPlace` writes into the original's
 * samples: a save then holds two full rasters, not three (one is 288 MB for a 48 MP 16-bit photo).
 */
export function keepShareOfChange(original: RasterImage, result: RasterImage, keep: number, { inPlace = false } = {}): RasterImage {
  if (!(keep >= 0 && keep <= 1)) throw new RangeError(`keep must lie in 0..1, got ${keep}`);
  const same =
    original.width === result.width &&
    original.height === result.height &&
    original.channels === result.channels &&
    original.bitDepth === result.bitDepth;
  if (!same) {
    // The result file was made from this photo; a mismatch means the photo changed on disk since.
    throw new UnshakeError(
      'INVALID_REQUEST',
      `The photo no longer matches its deblurred result (${describe(original)} now, ${describe(result)} then); it was changed on disk — open it again and deblur it.`,
    );
  }
  const { channels } = original;
  const hasAlpha = channels === 2 || channels === 4;
  const pixels = inPlace ? original.pixels : new (original.bitDepth === 16 ? Uint16Array : Uint8Array)(original.pixels.length);
  const src = original.pixels;
  const res = result.pixels;
  for (let i = 0; i < src.length; i += channels) {
    const colours = hasAlpha ? channels - 1 : channels;
    for (let c = 0; c < colours; c++) {
      const o = src[i + c]!;
      // Between o and the result's value for keep in 0..1, so never outside the sample range.
      pixels[i + c] = Math.round(o + keep * (res[i + c]! - o));
    }
    if (hasAlpha) pixels[i + channels - 1] = src[i + channels - 1]!;
  }
  return { ...original, pixels };
}

function describe(image: RasterImage): string {
  return `${image.width} × ${image.height}, ${image.channels} channels, ${image.bitDepth}-bit`;
}
