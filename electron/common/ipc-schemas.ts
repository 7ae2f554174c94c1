import { z } from 'zod';
import { ERROR_CODES } from './error-codes.js';

/** The value schemas the IPC contract's channels share (ipc-contract.ts): ids, photos, models, results, batches. */

export const imageIdSchema = z.string().regex(/^img_[a-z0-9]{8,32}$/, 'not an image id');
export const jobIdSchema = z.string().regex(/^job_[a-z0-9]{8,32}$/, 'not a job id');

export const metadataSummarySchema = z.object({
  format: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** EXIF orientation 1..8 as stored in the file (width/height above are already oriented). */
  orientation: z.number().int().min(1).max(8),
  bitDepth: z.union([z.literal(8), z.literal(16), z.literal(32)]),
  channels: z.number().int().min(1).max(5),
  space: z.string(),
  hasAlpha: z.boolean(),
  iccProfileName: z.string().nullable(),
  camera: z.string().nullable(),
  lens: z.string().nullable(),
  exposure: z.string().nullable(),
  takenAt: z.string().nullable(),
  fileSizeBytes: z.number().int().nonnegative(),
  /** A JPEG's own quality, from its quantisation tables: its JPEG result is saved at least at it (jpeg-quality-floor.ts). */
  jpegQuality: z.number().int().min(1).max(100).optional(),
});

export const executionProviderInfoSchema = z.object({
  active: z.string(),
  tried: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string().nullable() })),
});

export const modelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  placeholder: z.boolean(),
  description: z.string(),
  parameters: z.number().int().nonnegative(),
  source: z.enum(['bundled', 'user']),
  /** Its manifest's: image sides must be multiples of it, so fine-tune crops too (training-crop.ts). */
  sizeMultiple: z.number().int().positive(),
  /** For an alias ("base"): the id of the model it runs now, so the two count as one. */
  aliasOf: z.string().optional(),
});

export const unusableModelSchema = z.object({ id: z.string(), reason: z.string(), source: z.enum(['bundled', 'user']) });

export const openImageResultSchema = z.object({
  imageId: imageIdSchema,
  path: z.string(),
  fileName: z.string(),
  metadata: metadataSummarySchema,
  /** Custom-protocol URL of a screen-size, oriented sRGB preview. */
  previewUrl: z.string(),
  previewWidth: z.number().int().positive(),
  previewHeight: z.number().int().positive(),
});

/** A save of an editor result, as main recorded it: strength 0–1 and quality as asked for. */
export const editorSaveSchema = z.object({
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  strength: z.number().min(0).max(1),
  quality: z.number().int().optional(),
  /** Save writes next to the original; Save As… wherever its dialog said. */
  via: z.enum(['save', 'save-as']),
  /** What the file's format could not hold of the photo, or the quality it kept: said again after a reload. */
  notes: z.array(z.string()).optional(),
});

/** A written result; `notes`: what this format cannot hold of the photo (an HDR gain map in a PNG…), in words. */
export const savedFileSchema = z.object({ path: z.string(), bytes: z.number().int().nonnegative(), notes: z.array(z.string()).optional() });

export const errorInfoSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

export const batchRunIdSchema = z.string().regex(/^batch_[a-z0-9]{8,32}$/, 'not a batch id');

/** What job:batch (and a resume) answers: the batch's jobs and what it did not queue. */
export const batchStartedSchema = z.object({
  /** This batch among the session's (job:batch-runs names it so). */
  runId: z.string(),
  /** One 'batch-item' job per photo still to do, in order. */
  items: z.array(z.object({ jobId: jobIdSchema, input: z.string(), output: z.string() })),
  /** Photos whose result is already there (an earlier, perhaps interrupted, batch) or queued by a batch still running. */
  alreadyDone: z.array(z.object({ input: z.string(), output: z.string() })),
  /** Subfolders of the dropped folders, which a batch leaves out (not counting its own results folders). */
  subfoldersLeftOut: z.number().int().nonnegative(),
  /** What else was left out, in words (a dropped folder with no photos, a result dropped with its photo). */
  leftOut: z.array(z.string()),
});
