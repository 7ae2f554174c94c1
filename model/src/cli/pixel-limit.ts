import { MAX_MEGAPIXELS_RANGE } from '../../../electron/common/settings-schema.js';
import { DEFAULT_MAX_MEGAPIXELS, type ProbeOptions } from '../image/probe.js';
import { numberOption } from './args.js';

/**
 * --max-megapixels: the engine's largest-photo limit, checked as the app's Output panel checks
 * its setting (a whole number from 1 to 2000). The command line keeps its own default rather
 * than reading the app's settings, as it does for format, quality and model.
 */
export function pixelLimitOption(value: string | undefined): Required<ProbeOptions> {
  const { min, max } = MAX_MEGAPIXELS_RANGE;
  const maxMegapixels = numberOption('max-megapixels', value, { min, max, integer: true }) ?? DEFAULT_MAX_MEGAPIXELS;
  // IMAGE_TOO_LARGE names the option that raises the limit, not the app's panel (no effect here).
  const limitAdvice =
    maxMegapixels >= max
      ? `Downscale the photo: ${max} megapixels is the most --max-megapixels allows.`
      : `Raise it with --max-megapixels (up to ${max}; a larger photo needs more memory), or downscale the photo.`;
  return { maxMegapixels, limitAdvice };
}
