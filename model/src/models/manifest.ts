import { z } from 'zod';
import { cleanModelName, MODEL_ID_PATTERN } from '../../../electron/common/model-id.js';

/**
 * What the engine needs to know about a generator ONNX file. Stored as `<id>.manifest.json`
 * next to `<id>.onnx`. The engine pads/crops and scales according to these fields, so a new
 * network with another convention only needs a new manifest.
 */
/**
 * Tiles are at least 4 margins + 16 px + one size multiple wide (tiler.ts minimumTileSize): 256
 * gives 1044² tiles at a multiple of 4, under the 1.25 GiB cap for one tile (tile-size.ts); 1000
 * gave 4020², so a 6 MP photo ran as one 5.9 GB window. The shipped model's margin is 44.
 */
export const MAX_RECEPTIVE_FIELD_MARGIN = 256;

export const modelManifestSchema = z.object({
  id: z.string().regex(MODEL_ID_PATTERN),
  /**
   * Made one line and at most 100 characters as read (cleanModelName): a shared manifest's name
   * is shown on cards and menus, and is what Import copies in and Rename starts from.
   */
  name: z.string().transform((name) => cleanModelName(name)).pipe(z.string().min(1, 'must have something to show besides spaces and control characters')),
  description: z.string(),
  /** The weights' version (the base recipe writes 0.<training steps>.0). */
  version: z.string().optional(),
  license: z.string().optional(),
  /** What the weights were trained on (model/base/export_onnx.py training_summary). */
  training: z.object({ steps: z.number().int().nonnegative(), mix: z.string() }).passthrough().optional(),
  /** True for the untrained stand-in generator shipped until trained weights exist. */
  placeholder: z.boolean(),
  file: z.string().min(1),
  sha256: z.string().regex(/^[a-f0-9]{64}$/).optional(),
  parameters: z.number().int().nonnegative(),
  io: z.object({
    inputName: z.string(),
    outputName: z.string(),
    layout: z.literal('NCHW'),
    channels: z.literal(3),
    colorSpace: z.literal('srgb'),
    /**
     * Pixel value range the network expects and returns, e.g. [-1, 1] or [0, 1]. Increasing:
     * [0, 0] scaled every output to black (1 / 0) and [1, -1] inverts the photo.
     */
    range: z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi, 'must be [low, high] with low below high, e.g. [-1, 1]'),
    /** Height and width must be multiples of this (the engine reflect-pads). */
    sizeMultiple: z.number().int().positive(),
    /**
     * Context (pixels) each output pixel needs; tiles overlap by at least this. Measured for the
     * shipped model (outputs move ≤ 0.25 grey levels beyond it, plus a safety band; see
     * model/base/export_onnx.py), never more than the theoretical receptive field.
     */
    receptiveFieldMargin: z.number().int().nonnegative().max(MAX_RECEPTIVE_FIELD_MARGIN, `must be at most ${MAX_RECEPTIVE_FIELD_MARGIN} px: the smallest tile a wider margin allows does not fit the engine's memory cap for one tile`),
    /** Half-width of the theoretical receptive field (every pixel with a path to the output). */
    theoreticalReceptiveField: z.number().int().nonnegative().optional(),
    /** Suggested tile edge (pixels) for CPU inference. */
    preferredTileSize: z.number().int().positive(),
  }),
  /** Measured multiply-accumulates per megapixel (GMAC/MP), if known. */
  gmacPerMegapixel: z.number().nonnegative().optional(),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
