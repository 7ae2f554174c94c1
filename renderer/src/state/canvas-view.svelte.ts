export type CanvasView = 'before' | 'after';
/** Fit the whole photo, or show it at 100 % (one photo pixel per screen pixel) around a point. */
export type Zoom = 'fit' | 'actual';
export type Point = { x: number; y: number };
type PhotoSize = { width: number; height: number };

/** How the canvas shows the photo: which side of the comparison, and how close. */
class CanvasViewState {
  /** Which side of the comparison the canvas shows once there is a result. */
  view = $state<CanvasView>('after');
  zoom = $state<Zoom>('fit');
  /** At 100 %: the photo pixel at the middle of the view (both sides show the same place). */
  centre = $state<Point>({ x: 0, y: 0 });

  /** Another photo or result on the canvas: its result, whole. */
  reset(): void {
    this.view = 'after';
    this.zoom = 'fit';
  }

  toggleView(): void {
    this.view = this.view === 'after' ? 'before' : 'after';
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
