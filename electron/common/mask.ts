import { z } from 'zod';

/**
 * A region selection drawn in the editor, in the image's *oriented* pixel coordinates
 * (as the user sees it after EXIF rotation). The engine rasterises it and feathers it.
 */
const point = z.tuple([z.number().finite(), z.number().finite()]);

export const MAX_BRUSH_RADIUS = 5_000;

export const maskShapeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rect'),
    x: z.number().finite(),
    y: z.number().finite(),
    width: z.number().positive(),
    height: z.number().positive(),
  }),
  z.object({
    kind: z.literal('ellipse'),
    cx: z.number().finite(),
    cy: z.number().finite(),
    rx: z.number().positive(),
    ry: z.number().positive(),
  }),
  z.object({ kind: z.literal('polygon'), points: z.array(point).min(3).max(10_000) }),
  z.object({
    kind: z.literal('brush'),
    points: z.array(point).min(1).max(100_000),
    /** Capped so one stroke's rows stay bounded: wider than any photo edge a brush is useful on. */
    radius: z
      .number()
      .positive()
      .max(MAX_BRUSH_RADIUS, { error: `A brush radius must be at most ${MAX_BRUSH_RADIUS} px: select larger areas with a rectangle, ellipse or polygon.` }),
    /** Erase removes the stroke from the selection instead of adding it. */
    erase: z.boolean().default(false),
  }),
]);

export const regionMaskSchema = z.object({
  shapes: z.array(maskShapeSchema).min(1).max(1_000),
  /** Feather radius in pixels: the soft edge over which the fix fades out. */
  feather: z.number().min(0).max(2_000).default(0),
  invert: z.boolean().default(false),
});

export type MaskShape = z.infer<typeof maskShapeSchema>;
export type RegionMask = z.infer<typeof regionMaskSchema>;
