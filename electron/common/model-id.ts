import { z } from 'zod';

/**
 * A model id: lower-case ASCII, as a manifest's `id` and the folder a fine-tuned model is saved
 * in. One rule for the library, training runs and every request that names a model (deblur,
 * batch, remove, fine-tune), so a request can only name a model, never a path ('/', '\', ':' and
 * a leading '.' are not allowed).
 */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const modelIdSchema = z.string().regex(MODEL_ID_PATTERN, 'not a model id (choose a model from the list)');
