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
 * A model's name as the user types it (Rename): trimmed, 1–100 characters, one line. Control
 * characters would break the one-line cards and menus that show it.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
export const MODEL_NAME_MAX = 100;
export const modelNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the model a name.')
  .max(MODEL_NAME_MAX, `A model name can be at most ${MODEL_NAME_MAX} characters.`)
  .refine((name) => !CONTROL_CHARACTERS.test(name), 'A model name must be one line of text, without tabs or control characters.');
