import type { OutputFormat } from './settings-schema.js';

/**
 * The one rule for a result's default name, shared by the engine (Save, batch, CLI) and the
 * renderer's prediction of it: here because both may import electron/common and nothing else.
 */
export type ResultFormat = Exclude<OutputFormat, 'same'>;

/** Each writable format's extensions, the standard one first. */
export const RESULT_EXTENSIONS: Readonly<Record<ResultFormat, readonly string[]>> = {
  jpeg: ['.jpg', '.jpeg', '.jpe'],
  png: ['.png'],
  tiff: ['.tif', '.tiff'],
  webp: ['.webp'],
};

/** The writable format an extension (".JPG", ".tiff") names, or null. */
export function formatOfExtension(extension: string): ResultFormat | null {
  const lower = extension.toLowerCase();
  return (Object.keys(RESULT_EXTENSIONS) as ResultFormat[]).find((format) => RESULT_EXTENSIONS[format].includes(lower)) ?? null;
}

/**
 * The extension of a result written as `format` (absent: "Same", the photo's own type, or PNG for
 * a type Unshake cannot write). A result in its photo's own type keeps the camera's spelling
 * (IMG_1.JPG → .JPG, scan.tiff → .tiff); another type gets its standard lowercase extension.
 */
export function resultExtension(photoExtension: string, format?: ResultFormat): string {
  const own = formatOfExtension(photoExtension);
  const written = format ?? own ?? 'png';
  return written === own ? photoExtension : RESULT_EXTENSIONS[written][0]!;
}

/** A file name split at its extension ("two.dots.webp" → "two.dots", ".webp"; ".hidden" has none). */
export function splitExtension(fileName: string): { stem: string; extension: string } {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? { stem: fileName.slice(0, dot), extension: fileName.slice(dot) } : { stem: fileName, extension: '' };
}
