import type { MaskShape } from '../../../electron/common/index.js';

/**
 * The selection from the keyboard, for those who cannot drag (or want exact edges): Enter draws
 * a shape in the middle of the photo, the arrow keys move the newest shape, Alt with the arrow
 * keys moves its right or bottom edge, Delete removes it. Steps are 1 % of the photo's longer
 * side, 10 % with Shift, so a 24 MP photo does not need hundreds of presses.
 */
export interface PhotoSize {
  width: number;
  height: number;
}

export interface SelectionKey {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
}

/** The kinds of shape Enter can draw; a lasso outline needs a pointer. */
export type KeyDrawnKind = 'rect' | 'ellipse';

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The smallest shape, in photo pixels: no drag makes, nor key pulls an edge to, less. */
export const MIN_SHAPE_SIZE = 2;

/** The element that reads out the newest shape (selection tools), which the photo's overlay is described by. */
export const SELECTION_READOUT_ID = 'selection-readout';
const ARROWS: Record<string, readonly [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * The shapes after `key`, or null when the key is not one of the selection's (so the page may
 * use it). `drawKind` is the tool in hand: null when Enter cannot draw (the lasso).
 */
export function shapesAfterKey(shapes: readonly MaskShape[], key: SelectionKey, drawKind: KeyDrawnKind | null, photo: PhotoSize): MaskShape[] | null {
  const last = shapes.at(-1);
  const rest = shapes.slice(0, -1);
  if (key.key === 'Enter') {
    if (!drawKind) return null;
    const drawn = fromBox(drawKind, middleBox(photo));
    return key.shiftKey ? [...shapes, drawn] : [drawn];
  }
  if (key.key === 'Delete' || key.key === 'Backspace') return last ? rest : null;
  const arrow = ARROWS[key.key];
  if (!arrow || !last) return null;
  const step = Math.max(1, Math.round((Math.max(photo.width, photo.height) * (key.shiftKey ? 10 : 1)) / 100));
  const box = boxOf(last);
  const [dx, dy] = [arrow[0] * step, arrow[1] * step];
  return [...rest, reshaped(last, box, key.altKey ? resized(box, dx, dy, photo) : moved(box, dx, dy, photo))];
}

/** The newest shape in words and photo pixels, as the photographer reads it beside the tools. */
export function describeShape(shape: MaskShape): string {
  const box = boxOf(shape);
  const kind = { rect: 'Rectangle', ellipse: 'Ellipse', polygon: 'Lasso', brush: 'Brush stroke' }[shape.kind];
  const r = Math.round;
  // Corner to corner, as a crop tool says it: "at x, y" left open which point of the shape it was.
  return `${kind} ${r(box.right - box.left)} × ${r(box.bottom - box.top)} px, from ${r(box.left)}, ${r(box.top)} to ${r(box.right)}, ${r(box.bottom)}`;
}

/** Half the photo each way, in its middle: a start most selections are a few presses from. */
function middleBox(photo: PhotoSize): Box {
  const [w, h] = [Math.round(photo.width / 2), Math.round(photo.height / 2)];
  const [left, top] = [Math.round((photo.width - w) / 2), Math.round((photo.height - h) / 2)];
  return { left, top, right: left + w, bottom: top + h };
}

function moved(box: Box, dx: number, dy: number, photo: PhotoSize): Box {
  // Stopped at the photo's edge, as a drag keeps its corners on it; a shape already over an edge
  // (or bigger than the photo) is never pushed further out, nor snapped back.
  const x = clamp(dx, Math.min(0, -box.left), Math.max(0, photo.width - box.right));
  const y = clamp(dy, Math.min(0, -box.top), Math.max(0, photo.height - box.bottom));
  return { left: box.left + x, right: box.right + x, top: box.top + y, bottom: box.bottom + y };
}

function resized(box: Box, dx: number, dy: number, photo: PhotoSize): Box {
  return {
    ...box,
    right: clamp(box.right + dx, box.left + MIN_SHAPE_SIZE, Math.max(photo.width, box.right)),
    bottom: clamp(box.bottom + dy, box.top + MIN_SHAPE_SIZE, Math.max(photo.height, box.bottom)),
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

function boxOf(shape: MaskShape): Box {
  switch (shape.kind) {
    case 'rect':
      return { left: shape.x, top: shape.y, right: shape.x + shape.width, bottom: shape.y + shape.height };
    case 'ellipse':
      return { left: shape.cx - shape.rx, top: shape.cy - shape.ry, right: shape.cx + shape.rx, bottom: shape.cy + shape.ry };
    default:
      // A loop, not Math.min(...points): a stroke may hold tens of thousands of points, too many to spread as arguments.
      return shape.points.reduce<Box>(
        (box, [x, y]) => ({ left: Math.min(box.left, x), top: Math.min(box.top, y), right: Math.max(box.right, x), bottom: Math.max(box.bottom, y) }),
        { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity },
      );
  }
}

function fromBox(kind: KeyDrawnKind, box: Box): MaskShape {
  const [width, height] = [box.right - box.left, box.bottom - box.top];
  return kind === 'ellipse'
    ? { kind, cx: box.left + width / 2, cy: box.top + height / 2, rx: width / 2, ry: height / 2 }
    : { kind, x: box.left, y: box.top, width, height };
}

/** `shape` carried from box `from` to box `to`: outlines and strokes are stretched point by point. */
function reshaped(shape: MaskShape, from: Box, to: Box): MaskShape {
  if (shape.kind === 'rect' || shape.kind === 'ellipse') return fromBox(shape.kind, to);
  // A straight line (no width or height) only moves along its flat side.
  const scaleX = from.right > from.left ? (to.right - to.left) / (from.right - from.left) : 1;
  const scaleY = from.bottom > from.top ? (to.bottom - to.top) / (from.bottom - from.top) : 1;
  const points = shape.points.map(([x, y]): [number, number] => [to.left + (x - from.left) * scaleX, to.top + (y - from.top) * scaleY]);
  return { ...shape, points };
}
