import { z } from 'zod';

/**
 * A region selection drawn in the editor, in the image's *oriented* pixel coordinates
 * (as the user sees it after EXIF rotation). The engine rasterises it and feathers it.
 */
const point = z.tuple([z.number().finite(), z.number().finite()]);

export const MAX_BRUSH_RADIUS = 5_000;

/** Shapes in one selection (Shift-drags added together). */
export const MAX_SHAPES = 1_000;

/**
 * Outline and stroke points in all the shapes of one selection together. The editor's lasso keeps
 * at most 4,000 points a shape, so this is ten of its longest outlines; it keeps a request's
 * check in main under about a tenth of a second and its journal line under 2 MB. The per-shape
 * caps alone multiplied: one stroke shared by a thousand shapes costs one copy on the wire but a
 * hundred million points to check.
 */
export const MAX_SELECTION_POINTS = 40_000;

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
    points: z.array(point).min(1).max(MAX_SELECTION_POINTS),
    /** Capped so one stroke's rows stay bounded: wider than any photo edge a brush is useful on. */
    radius: z
      .number()
      .positive()
      .max(MAX_BRUSH_RADIUS, { error: `A brush radius must be at most ${MAX_BRUSH_RADIUS} px: select larger areas with a rectangle, ellipse or polygon.` }),
    /** Erase removes the stroke from the selection instead of adding it. */
    erase: z.boolean().default(false),
  }),
]);

const regionMaskShape = z.object({
  shapes: z.array(maskShapeSchema).min(1).max(MAX_SHAPES),
  /** Feather radius in pixels: the soft edge over which the fix fades out. */
  feather: z.number().min(0).max(2_000).default(0),
  invert: z.boolean().default(false),
});

/**
 * Counts shapes and points from the arrays' lengths alone, before any shape is parsed: zod checks
 * an array's size only after parsing every element, so an oversized selection would cost its
 * full parse first, on main's event loop.
 */
function withinBudget(input: unknown, ctx: z.RefinementCtx): unknown {
  const shapes: unknown = typeof input === 'object' && input !== null ? (input as { shapes?: unknown }).shapes : undefined;
  if (!Array.isArray(shapes)) return input;
  if (shapes.length > MAX_SHAPES) {
    ctx.addIssue({ code: 'custom', path: ['shapes'], message: `A selection may have at most ${MAX_SHAPES.toLocaleString('en')} shapes; this one has ${shapes.length.toLocaleString('en')}.` });
    return input;
  }
  let points = 0;
  for (const shape of shapes) {
    const list: unknown = typeof shape === 'object' && shape !== null ? (shape as { points?: unknown }).points : undefined;
    if (Array.isArray(list)) points += list.length;
  }
  if (points > MAX_SELECTION_POINTS) {
    ctx.addIssue({
      code: 'custom',
      path: ['shapes'],
      message: `A selection may have at most ${MAX_SELECTION_POINTS.toLocaleString('en')} outline points in all its shapes together; this one has ${points.toLocaleString('en')}. Select with fewer or shorter lasso outlines.`,
    });
  }
  return input;
}

export const regionMaskSchema = z.preprocess<unknown, typeof regionMaskShape, z.input<typeof regionMaskShape>>(withinBudget, regionMaskShape);

export type MaskShape = z.infer<typeof maskShapeSchema>;
export type RegionMask = z.infer<typeof regionMaskSchema>;
