import { recallCompare, rememberCompare } from '../lib/window-memory.js';

/** A side of the comparison. */
export type CanvasView = 'before' | 'after';
/** What the canvas shows: one side, or both split by a divider (before on its left). */
export type CompareMode = CanvasView | 'split';
/** Fit the whole photo, or show it at 100 % (one photo pixel per screen pixel) around a point. */
export type Zoom = 'fit' | 'actual';
export type Point = { x: number; y: number };
type PhotoSize = { width: number; height: number };

const remembered = recallCompare();

/** How the canvas shows the photo: which side of the comparison, and how close. Split and its place outlast a reload. */
class CanvasViewState {
  /** Which side of the comparison the canvas shows once there is a result, or both. */
  view = $state<CompareMode>(remembered.mode);
  /** Split: where the divider stands, as a share of the photo's width from its left edge. */
  splitAt = $state(remembered.splitAt);
  /** What "\\" goes back to from Before. */
  private back: Exclude<CompareMode, 'before'> = remembered.mode;
  zoom = $state<Zoom>('fit');
  /** At 100 %: the photo pixel at the middle of the view (both sides show the same place). */
  centre = $state<Point>({ x: 0, y: 0 });

  /** Another photo or result on the canvas: its result (split, if that is how it was being compared), whole. */
  reset(): void {
    this.showFix();
    this.zoom = 'fit';
  }

  /** The result, as After or Split (whichever was chosen last), if Before is shown. */
  showFix(): void {
    if (this.view === 'before') this.view = this.back;
  }

  /** Before, or back to what was shown before it (After or Split). */
  toggleView(): void {
    if (this.view === 'before') {
      this.view = this.back;
    } else {
      this.back = this.view;
      this.view = 'before';
    }
  }

  /** A choice of the compare buttons. */
  choose(mode: CompareMode): void {
    if (mode !== 'before') {
      this.back = mode;
      rememberCompare(mode, this.splitAt);
    }
    this.view = mode;
  }

  moveSplit(at: number): void {
    this.splitAt = at;
    rememberCompare(this.back, at);
  }

  /** 100 % around `at` (photo pixels; default: the photo's middle). Nothing without a photo. */
  showActualSize(photo: PhotoSize | undefined, at?: Point): void {
    if (!photo) return;
    this.centre = at ?? { x: photo.width / 2, y: photo.height / 2 };
    this.zoom = 'actual';
  }

  toggleZoom(photo: PhotoSize | undefined): void {
    if (this.zoom === 'actual') this.zoom = 'fit';
    else this.showActualSize(photo);
  }
}

export const canvasView = new CanvasViewState();
