import { extname } from 'node:path';
import type { OutputFormat } from '../../../electron/common/settings-schema.js';
import { RESULT_EXTENSIONS } from '../../../electron/common/result-name.js';
import { UnshakeError } from '../errors.js';

/**
 * Which files we read and write. Input is limited to raster photo formats sharp's prebuilt
 * libvips decodes; SVG/PDF and friends are refused even though sharp can rasterise them,
 * because there is no camera shake to remove in a vector drawing.
 */
export const SUPPORTED_INPUT_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif', 'heif']);

export const WRITABLE_FORMATS = ['jpeg', 'png', 'tiff', 'webp'] as const;
export type WritableFormat = (typeof WRITABLE_FORMATS)[number];

/** Formats that can hold 16 bits per channel; the others get a rounded 16 → 8 conversion. */
export const SIXTEEN_BIT_FORMATS: ReadonlySet<WritableFormat> = new Set(['png', 'tiff']);

// One table with the renderer's name prediction (electron/common/result-name.ts).
const EXTENSIONS: Readonly<Record<WritableFormat, readonly string[]>> = RESULT_EXTENSIONS;

function isWritableFormat(format: string): format is WritableFormat {
  return (WRITABLE_FORMATS as readonly string[]).includes(format);
}

/** The preferred file extension (with dot) for a format. */
export function extensionFor(format: WritableFormat): string {
  return EXTENSIONS[format][0]!;
}

/** Image types Unshake reads (or cameras make) but cannot write: an output named so is refused. */
const UNWRITABLE_EXTENSIONS: Record<string, string> = { '.gif': 'GIF', '.heic': 'HEIC', '.heif': 'HEIF', '.avif': 'AVIF', '.bmp': 'BMP', '.jxl': 'JPEG XL' };

/** The writable format a path's extension names, or null for unknown extensions. */
export function formatFromPath(path: string): WritableFormat | null {
  const ext = extname(path).toLowerCase();
  return WRITABLE_FORMATS.find((format) => EXTENSIONS[format].includes(ext)) ?? null;
}

/** Whether a file name's extension names an image type, writable or not ("trip 2024.06.01" does not). */
export function namesImageType(path: string): boolean {
  return formatFromPath(path) !== null || UNWRITABLE_EXTENSIONS[extname(path).toLowerCase()] !== undefined;
}

/**
 * Decide the output format. An explicit format wins, but must agree with a recognised
 * extension in the output path (a JPEG named .png would confuse every other program).
 * 'same' follows the output path's extension when it names a format, else the source
 * format, else PNG (lossless) for sources we cannot write, such as GIF or HEIF.
 */
export function resolveOutputFormat(sourceFormat: string, requested: OutputFormat, outputPath?: string): WritableFormat {
  const fromPath = outputPath ? formatFromPath(outputPath) : null;
  const unwritable = outputPath ? UNWRITABLE_EXTENSIONS[extname(outputPath).toLowerCase()] : undefined;
  if (unwritable) {
    // Written as PNG under that name, every other program would be misled.
    throw new UnshakeError('INVALID_REQUEST', `Unshake cannot write ${unwritable} files (${outputPath}): name the output .png, .jpg, .tif or .webp.`);
  }
  if (requested !== 'same') {
    if (fromPath && fromPath !== requested) {
      throw new UnshakeError(
        'INVALID_REQUEST',
        `The output file name ${outputPath} does not match the chosen format ${requested}: use a ${extensionFor(requested)} name or pick the format that matches it.`,
      );
    }
    return requested;
  }
  if (fromPath) return fromPath;
  return isWritableFormat(sourceFormat) ? sourceFormat : 'png';
}
