import type { MaskShape, RegionMask } from '../../../electron/common/index.js';
import { shapesAfterKey, type PhotoSize, type SelectionKey } from '../lib/selection-keys.js';
import { historyOf, recorded, redone, undone, type History } from '../lib/undo-history.js';

/** How a drag on the fitted photo selects: a rectangle, an ellipse, or a free-hand lasso. */
export type SelectionTool = 'rect' | 'ellipse' | 'lasso';

/** The tool that draws each kind of shape (a brush stroke, from the CLI's kind of mask, is edited as a lasso). */
const TOOL_OF: Record<MaskShape['kind'], SelectionTool> = { rect: 'rect', ellipse: 'ellipse', polygon: 'lasso', brush: 'lasso' };

/** What one step of undo brings back: the selection as a deblur would take it. */
type SelectionStep = { shapes: MaskShape[]; feather: number; invert: boolean };
const sameStep = (a: SelectionStep, b: SelectionStep): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The largest feather the engine accepts (electron/common/mask.ts). */
export const MAX_FEATHER = 2_000;

/**
 * The part of the photo to fix, in the upright photo's pixels (what the engine's region mask
 * takes). No shapes means the whole photo. A new drag replaces the selection; with Shift it adds
 * to it, as in other photo editors. Each edit is a step Undo (Ctrl+Z) goes back over: one stray
 * drag replaced a result's selection, and its result could not be saved until deblurred again.
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
  /** The edits of the selection on this photo since it (or a result of it) was shown. */
  private history = $state.raw<History<SelectionStep>>(historyOf({ shapes: [], feather: 0, invert: false }));

  /** The mask a deblur sends; undefined for the whole photo. */
  get mask(): RegionMask | undefined {
    if (this.shapes.length === 0) return undefined;
    // An emptied number field binds null: no feather, rather than a request the engine refuses.
    // Rounded as the field is once left (clampFeather): a Deblur pressed while it still shows
    // 12.5 must be made with the 13 it then shows, or the result reads as out of date.
    const feather = Math.min(MAX_FEATHER, Math.max(0, Math.round(Number(this.feather) || 0)));
    return { shapes: $state.snapshot(this.shapes), feather, invert: this.invert };
  }

  /** The feather field's value, once left, as the engine will take it (a whole number from 0 to MAX_FEATHER): a step to undo. */
  clampFeather(): void {
    this.feather = Math.min(MAX_FEATHER, Math.max(0, Math.round(Number(this.feather) || 0)));
    this.record();
  }

  setInvert(invert: boolean): void {
    this.invert = invert;
    this.record();
  }

  /** A finished drag: replaces the selection, or joins it when `add` (Shift held). */
  commit(shape: MaskShape, add: boolean): void {
    this.reshape(add ? [...this.shapes, shape] : [shape]);
    this.record();
  }

  /** A key's change (lib/selection-keys.ts): reports whether the key was the selection's. */
  applyKey(key: SelectionKey, photo: PhotoSize): boolean {
    const drawKind = this.tool === 'rect' || this.tool === 'ellipse' ? this.tool : null;
    const shapes = shapesAfterKey($state.snapshot(this.shapes), key, drawKind, photo);
    if (shapes) this.reshape(shapes);
    this.record();
    return shapes !== null;
  }

  /** A photo, or a result with the selection it was made with, now on screen: its history starts here. */
  restore(mask: RegionMask | undefined): void {
    this.draw(mask);
    this.history = historyOf(this.step());
  }

  /** A result's selection drawn again at the user's word ("Use its selection"): a step Undo takes back. */
  use(mask: RegionMask | undefined): void {
    this.draw(mask);
    this.record();
  }

  /** "Whole photo": no shapes, a step Undo takes back. */
  clear(): void {
    this.reshape([]);
    this.record();
  }

  /** Undoes the latest edit; false if there was none. */
  undo(): boolean {
    // An edit not yet recorded (there should be none) is kept as a step to redo.
    this.record();
    return this.travel(undone(this.history));
  }

  redo(): boolean {
    return this.travel(redone(this.history));
  }

  private travel(to: History<SelectionStep> | null): boolean {
    if (!to) return false;
    this.history = to;
    const { shapes, feather, invert } = structuredClone(to.present);
    this.shapes = shapes;
    this.feather = feather;
    this.invert = invert;
    // Shapes back with "Whole photo" in hand would read as nothing selected (see draw).
    const newest = shapes.at(-1);
    if (newest && this.tool === null) this.tool = TOOL_OF[newest.kind];
    return true;
  }

  /**
   * The shapes an edit leaves. None is the whole photo, however it was reached (Whole photo, Delete
   * of the last shape): Invert, hidden with them, is off, or the next shape would fix all but itself.
   * Undo brings the step before back with its own Invert.
   */
  private reshape(shapes: MaskShape[]): void {
    this.shapes = shapes;
    if (shapes.length === 0) this.invert = false;
  }

  private draw(mask: RegionMask | undefined): void {
    this.shapes = mask ? $state.snapshot(mask.shapes) : [];
    this.feather = mask?.feather ?? this.feather;
    this.invert = mask?.invert ?? false;
    // With the tool it was drawn with in hand: "Whole photo" shown pressed over a drawn shape
    // read as "nothing selected", and pressing it threw the selection away.
    const newest = this.shapes.at(-1);
    if (newest) this.tool = TOOL_OF[newest.kind];
  }

  /** The selection as a step of its history (the feather as the engine takes it). */
  private step(): SelectionStep {
    const feather = Math.min(MAX_FEATHER, Math.max(0, Math.round(Number(this.feather) || 0)));
    return { shapes: $state.snapshot(this.shapes), feather, invert: this.invert };
  }

  private record(): void {
    this.history = recorded(this.history, this.step(), sameStep);
  }
}

export const selection = new SelectionState();

/** A stable text for a mask, to tell whether a result was made with the selection on screen. */
export function maskKey(mask: RegionMask | undefined): string {
  return mask ? JSON.stringify(mask) : 'whole photo';
}
