import { ESCAPE_SEQUENCES } from './escape-sequences.js';
import { z } from 'zod';

/**
 * A model id: lower-case ASCII, as a manifest's `id` and the folder a fine-tuned model is saved
 * in. One rule for the library, training runs and every request that names a model (deblur,
 * batch, remove, fine-tune), so a request can only name a model, never a path ('/', '\', ':' and
 * a leading '.' are not allowed).
 */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const modelIdSchema = z.string().regex(MODEL_ID_PATTERN, 'not a model id (choose a model from the list)');

/**
 * A model's name as the user types it (Rename, a new fine-tune's name): trimmed, 1–100 characters,
 * one line. Control characters and line separators would break the one-line cards and menus that
 * show it; text-direction controls (U+202A–202E, U+2066–2069) can make a name read as another
 * ("Evil\u202Egpj.exe" shows as "Evilexe.jpg").
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
export const MODEL_NAME_MAX = 100;
export const modelNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the model a name.')
  .max(MODEL_NAME_MAX, `A model name can be at most ${MODEL_NAME_MAX} characters.`)
  .refine((name) => !CONTROL_CHARACTERS.test(name), 'A model name must be one line of text, without tabs or control characters.')
  .refine((name) => !BIDI_CONTROLS.test(name), 'A model name cannot hold text-direction controls (they can make it read as something else).');

/**
 * A name from a manifest nobody checked (a shared or hand-copied model) made one that
 * modelNameSchema takes: terminal escape sequences go whole, control characters and line breaks
 * become spaces, direction controls go, and a long one is cut to maxLength with "…". Empty when
 * nothing showable is left. A smaller maxLength leaves room for a suffix (Import's " (2)") that
 * must survive being read back.
 */
export function cleanModelName(raw: string, maxLength = MODEL_NAME_MAX): string {
  const spaced = raw.replace(ESCAPE_SEQUENCES, '').replace(new RegExp(CONTROL_CHARACTERS, 'g'), ' ').replace(new RegExp(BIDI_CONTROLS, 'g'), '').replace(/\s+/g, ' ').trim();
  if (spaced.length <= maxLength) return spaced;
  let cut = '';
  // By code point, so an emoji is not split in half.
  for (const c of spaced) {
    if (cut.length + c.length > maxLength - 1) break;
    cut += c;
  }
  return `${cut.trimEnd()}…`;
}
