import { z } from 'zod';

/**
 * What the engine needs to know about a generator ONNX file. Stored as `<id>.manifest.json`
 * next to `<id>.onnx`. The engine pads/crops and scales according to these fields, so a new
 * network with another convention only needs a new manifest.
 */
export const modelManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  name: z.string().min(1),
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
    /** Pixel value range the network expects and returns, e.g. [-1, 1] or [0, 1]. */
    range: z.tuple([z.number(), z.number()]),
    /** Height and width must be multiples of this (the engine reflect-pads). */
    sizeMultiple: z.number().int().positive(),
    /**
     * Context (pixels) each output pixel needs; tiles overlap by at least this. Measured for the
     * shipped model (outputs move ≤ 0.25 grey levels beyond it, plus a safety band; see
     * model/base/export_onnx.py), never more than the theoretical receptive field.
     */
    receptiveFieldMargin: z.number().int().nonnegative(),
    /** Half-width of the theoretical receptive field (every pixel with a path to the output). */
    theoreticalReceptiveField: z.number().int().nonnegative().optional(),
    /** Suggested tile edge (pixels) for CPU inference. */
    preferredTileSize: z.number().int().positive(),
  }),
  /** Measured multiply-accumulates per megapixel (GMAC/MP), if known. */
  gmacPerMegapixel: z.number().nonnegative().optional(),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
