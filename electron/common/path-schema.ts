import { z } from 'zod';

/** Longer than any path Linux (4096) or Windows (32,767 UTF-16 units, rarely reached) is given by a picker. */
export const MAX_PATH_LENGTH = 4096;

// Node refuses a NUL in a path only once the file is opened, with an error about permissions.
// Other control characters (a tab, a line break) are legal in a Linux or macOS file name, and a
// photo so named is still the user's photo: they are allowed.
const NUL = '\u0000';

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
  .refine((value) => !value.includes(NUL), 'A path cannot hold a NUL character.')
  .refine(looksAbsolute, 'The path must be absolute (start from a drive or /).');
