import { z } from 'zod';

/** Longer than any path Linux (4096) or Windows (32,767 UTF-16 units, rarely reached) is given by a picker. */
export const MAX_PATH_LENGTH = 4096;

// Node refuses a NUL in a path only once the file is opened, with an error about permissions;
// the other control characters are no part of a name a person dropped or chose.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Absolute on some system: "/x" (Linux, macOS), "C:\x" or "C:/x" (a Windows drive) or "\\host\share"
 * (a Windows network share). Main still checks it against its own system (paths.ts); this pure
 * check keeps a relative name from ever reaching a service.
 */
export function looksAbsolute(value: string): boolean {
  return value.startsWith('/') || value.startsWith('\\\\') || /^[a-zA-Z]:[\\/]/.test(value);
}

/** A photo, folder or file path a request names, or a journal records: one rule for every such field. */
export const pathSchema = z
  .string()
  .min(1, 'A path is needed.')
  .max(MAX_PATH_LENGTH, `A path can be at most ${MAX_PATH_LENGTH} characters.`)
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'A path cannot hold control characters (a NUL, a tab, a line break).')
  .refine(looksAbsolute, 'The path must be absolute (start from a drive or /).');
