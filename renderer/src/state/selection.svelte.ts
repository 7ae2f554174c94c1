import type { MaskShape, RegionMask } from '../../../electron/common/index.js';
import { shapesAfterKey, type PhotoSize, type SelectionKey } from '../lib/selection-keys.js';

/** How a drag on the fitted photo selects: a rectangle, an ellipse, or a free-hand lasso. */
export type SelectionTool = 'rect' | 'ellipse' | 'lasso';

/** The tool that draws each kind of shape (a brush stroke, from the CLI's kind of mask, is edited as a lasso). */
const TOOL_OF: Record<MaskShape['kind'], SelectionTool> = { rect: 'rect', ellipse: 'ellipse', polygon: 'lasso', brush: 'lasso' };

/** The largest feather the engine accepts (electron/common/mask.ts). */
export const MAX_FEATHER = 2_000;

/**
 * The part of the photo to fix, in the upright photo's pixels (what the engine's region mask
 * takes). No shapes means the whole photo. A new drag replaces the selection; with Shift it adds
 * to it, as in other photo editors.
 */
class SelectionState {
  /** The tool a drag on the photo uses; null: dragging does nothing (the whole photo, or keep the shapes). */
  tool = $state<SelectionTool | null>(null);
  shapes = $state<MaskShape[]>([]);
  /** Soft edge in pixels over which the fix fades out. */
  feather = $state(0);
  /** Fix everything except the shapes. */
  invert = $state(false);
  /** The shape a drag is drawing, before it is let go (the hint gives its size as it grows). */
  draft = $state<MaskShape | null>(null);

  /** The mask a deblur sends; undefined for the whole photo. */
  get mask(): RegionMask | undefined {
    if (this.shapes.length === 0) return undefined;
    // An emptied number field binds null: no feather, rather than a request the engine refuses.
    // Rounded as the field is once left (clampFeather): a Deblur pressed while it still shows
    // 12.5 must be made with the 13 it then shows, or the result reads as out of date.
    const feather = Math.min(MAX_FEATHER, Math.max(0, Math.round(Number(this.feather) || 0)));
    return { shapes: $state.snapshot(this.shapes), feather, invert: this.invert };
  }

  /** The feather field's value as the engine will take it: a whole number from 0 to MAX_FEATHER. */
  clampFeather(): void {
    this.feather = Math.min(MAX_FEATHER, Math.max(0, Math.round(Number(this.feather) || 0)));
  }

  /** A finished drag: replaces the selection, or joins it when `add` (Shift held). */
  commit(shape: MaskShape, add: boolean): void {
    this.shapes = add ? [...this.shapes, shape] : [shape];
  }

  /** A key's change (lib/selection-keys.ts): reports whether the key was the selection's. */
  applyKey(key: SelectionKey, photo: PhotoSize): boolean {
    const drawKind = this.tool === 'rect' || this.tool === 'ellipse' ? this.tool : null;
    const shapes = shapesAfterKey($state.snapshot(this.shapes), key, drawKind, photo);
    if (shapes) this.shapes = shapes;
    return shapes !== null;
  }

  /** The selection a result was made with, drawn again. */
  restore(mask: RegionMask | undefined): void {
    this.shapes = mask ? $state.snapshot(mask.shapes) : [];
    this.feather = mask?.feather ?? this.feather;
    this.invert = mask?.invert ?? false;
    // With the tool it was drawn with in hand: "Whole photo" shown pressed over a drawn shape
    // read as "nothing selected", and pressing it threw the selection away.
    const newest = this.shapes.at(-1);
    if (newest) this.tool = TOOL_OF[newest.kind];
  }

  /** Back to the whole photo (a new photo starts here too). */
  clear(): void {
    this.shapes = [];
    this.invert = false;
  }
}

export const selection = new SelectionState();

/** A stable text for a mask, to tell whether a result was made with the selection on screen. */
export function maskKey(mask: RegionMask | undefined): string {
  return mask ? JSON.stringify(mask) : 'whole photo';
}
