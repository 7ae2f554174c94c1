import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { extensionFor, formatFromPath, namesImageType, type WritableFormat } from '../image/formats.js';
import { numberOption } from './args.js';

/**
 * deblur's checks on what it is asked to write, made before any work: a strength that changes
 * nothing, an --out no viewer would open, a --quality that cannot apply.
 */

/** --strength 0..1; 0 keeps every pixel, so it is refused as an empty selection is. */
export function strengthOption(value: string | undefined): number | undefined {
  const strength = numberOption('strength', value, { min: 0, max: 1 });
  if (strength === 0) {
    throw new UnshakeError('INVALID_REQUEST', '--strength 0 applies none of the fix: nothing would change. Give a strength above 0 (1, the default, is the full fix).');
  }
  return strength;
}

/**
 * --out without an image extension ("fixed", "trip 2024.06.01") gets the extension of the format
 * it is written in: a JPEG named "fixed" opens in no viewer. A folder keeps its name (the encoder
 * says it is a folder).
 */
export async function outWithExtension(out: string, writes: WritableFormat, note: (line: string) => void): Promise<string> {
  if (namesImageType(out) || /[\\/]$/.test(out) || (await stat(out).then((s) => s.isDirectory(), () => false))) return out;
  const named = `${out}${extensionFor(writes)}`;
  note(`--out ${out} names no image type; writing ${path.basename(named)} (${writes.toUpperCase()}) so that other programs open it.`);
  return named;
}

/**
 * --quality is for JPEG and WebP: when results will be PNG or TIFF, said once, however their
 * format was chosen (--format, --out's extension, or the photo's own format).
 */
export function qualityNote(formats: readonly WritableFormat[]): string | null {
  const lossless = formats.filter((format) => format === 'png' || format === 'tiff');
  if (lossless.length === 0) return null;
  const kinds = [...new Set(lossless)].map((format) => format.toUpperCase());
  if (lossless.length === formats.length) return `--quality applies to JPEG and WebP; ${kinds.join(' and ')} ${kinds.length > 1 ? 'are' : 'is'} written losslessly.`;
  return `--quality applies to JPEG and WebP; ${lossless.length} of the ${formats.length} results will be ${kinds.join(' or ')}, written losslessly.`;
}

/** The format a batch writes a photo in: --format, else the photo's own (PNG for one Unshake cannot write), as the results' names say. */
export function batchFormatOf(input: string, format: WritableFormat | undefined): WritableFormat {
  return format ?? formatFromPath(input) ?? 'png';
}
