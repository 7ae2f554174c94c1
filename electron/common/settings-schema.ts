import { z } from 'zod';
import { modelIdSchema } from './model-id.js';

export const OUTPUT_FORMATS = ['same', 'jpeg', 'png', 'tiff', 'webp'] as const;
/** Where a batch writes: next to each photo, or in this folder beside each photo. */
export const BATCH_RESULTS = ['beside', 'subfolder'] as const;
export const BATCH_SUBFOLDER = 'Unshaken';
/** What a result's name adds to its photo's (photo-unshaken.jpg); the settings may name another. */
export const DEFAULT_OUTPUT_SUFFIX = '-unshaken';
/** What outputSuffix's rule below allows, in words: the Output panel and the settings notice say it. */
export const OUTPUT_SUFFIX_RULE =
  '1 to 64 characters, not a number alone (like -2: cameras and Unshake number files so), not starting with a dot, no space at either end, without / \\ : * ? " < > | or line breaks';
/** The largest-photo limit people may set, in megapixels: the Output panel's and the CLI's --max-megapixels. */
export const MAX_MEGAPIXELS_RANGE = { min: 1, max: 2_000 } as const;
/** JPEG and WebP quality, whole numbers: the Output panel's, Save's and the CLI's --quality. */
export const QUALITY_RANGE = { min: 1, max: 100 } as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type BatchResults = (typeof BATCH_RESULTS)[number];

/**
 * What a result's name adds to its photo's: the Output panel's setting and the CLI's --suffix.
 * Control characters too: a NUL cuts the name short in libvips and leaves a stray file. Spaces at
 * an end (a hand-edited " ") would name results "photo .jpg", not told apart by eye; a leading dot
 * gives "photo.jpg.jpg". A number alone ("-2", "_1", " (3)") is how cameras, phones and exports
 * number photos, and how Unshake numbers a second result: a batch would take IMG_0001-2.jpg for
 * IMG_0001.jpg's result and deblur neither.
 */
/** A number alone ("-2", "_1", " (3)", "7"): how files are numbered, never a result name ending. */
export const NUMBER_ALONE = /^[-_ ]?\(?\d+\)?$/u;

export const outputSuffixSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^/\\:*?"<>|\p{Cc}]+$/u, 'must be a valid file-name part')
  .regex(/^\S(.*\S)?$/su, 'must not start or end with a space')
  .regex(/^[^.]/u, 'must not start with a dot')
  .refine((suffix) => !NUMBER_ALONE.test(suffix), 'must not be a number alone');

/** Field rules without defaults, so a partial patch never resets unrelated settings. */
const settingsFields = {
  defaultModelId: modelIdSchema,
  defaultStrength: z.number().min(0).max(1),
  outputFormat: z.enum(OUTPUT_FORMATS),
  jpegQuality: z.number().int().min(QUALITY_RANGE.min).max(QUALITY_RANGE.max),
  outputSuffix: outputSuffixSchema,
  // Whole megapixels from 1 to 2000, as the Output panel offers.
  maxMegapixels: z.number().int().min(MAX_MEGAPIXELS_RANGE.min).max(MAX_MEGAPIXELS_RANGE.max),
  preferredExecutionProvider: z.enum(['auto', 'cpu']),
  batchResults: z.enum(BATCH_RESULTS),
  // Z and \ with no modifier (WCAG 2.1.4: speech input types letters).
  singleKeyShortcuts: z.boolean(),
};

export const settingsSchema = z.object(settingsFields).strict();
export const settingsPatchSchema = z.object(settingsFields).partial().strict();

/**
 * Settings as stored (the settings file, a batch's record in the job journal): any object, read
 * field by field with settingsInForce. Another version's keys and values are kept as they are.
 */
export const storedSettingsSchema = z.record(z.string(), z.unknown());

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  defaultModelId: 'base',
  defaultStrength: 1,
  outputFormat: 'same',
  jpegQuality: 95,
  outputSuffix: DEFAULT_OUTPUT_SUFFIX,
  maxMegapixels: 250,
  preferredExecutionProvider: 'auto',
  batchResults: 'beside',
  singleKeyShortcuts: true,
};

// The settings in force from stored ones, and what was not used: stored-settings.ts.
