import { describe, expect, it } from 'vitest';
import type { MaskShape } from '../../../electron/common/index.js';
import { describeShape, shapesAfterKey, type SelectionKey } from '../../../renderer/src/lib/selection-keys.js';

const PHOTO = { width: 6000, height: 4000 };
const press = (key: string, mods: Partial<SelectionKey> = {}): SelectionKey => ({ key, shiftKey: false, altKey: false, ...mods });
const rect = (x: number, y: number, width: number, height: number): MaskShape => ({ kind: 'rect', x, y, width, height });

describe('selecting from the keyboard', () => {
  it('Enter draws half the photo in its middle; Shift+Enter adds another, plain Enter replaces', () => {
    const first = shapesAfterKey([], press('Enter'), 'rect', PHOTO);
    expect(first).toEqual([rect(1500, 1000, 3000, 2000)]);
    expect(shapesAfterKey([rect(0, 0, 10, 10)], press('Enter', { shiftKey: true }), 'ellipse', PHOTO)).toEqual([
      rect(0, 0, 10, 10),
      { kind: 'ellipse', cx: 3000, cy: 2000, rx: 1500, ry: 1000 },
    ]);
    expect(shapesAfterKey([rect(0, 0, 10, 10)], press('Enter'), 'rect', PHOTO)).toEqual(first);
    // A lasso outline needs a pointer: Enter is left to the page.
    expect(shapesAfterKey([], press('Enter'), null, PHOTO)).toBeNull();
  });

  it('the arrow keys move the newest shape by 1 % of the longer side, 10 % with Shift, and keep it on the photo', () => {
    const older = rect(0, 0, 100, 100);
    expect(shapesAfterKey([older, rect(1000, 1000, 500, 500)], press('ArrowRight'), 'rect', PHOTO)).toEqual([older, rect(1060, 1000, 500, 500)]);
    expect(shapesAfterKey([rect(1000, 1000, 500, 500)], press('ArrowUp', { shiftKey: true }), 'rect', PHOTO)).toEqual([rect(1000, 400, 500, 500)]);
    // Stopped at the edge rather than pushed off it.
    expect(shapesAfterKey([rect(5450, 30, 500, 500)], press('ArrowRight'), 'rect', PHOTO)).toEqual([rect(5500, 30, 500, 500)]);
    expect(shapesAfterKey([rect(5500, 30, 500, 500)], press('ArrowUp', { shiftKey: true }), 'rect', PHOTO)).toEqual([rect(5500, 0, 500, 500)]);
    // A shape over an edge (restored from an older result) is not pushed further out, nor snapped back.
    expect(shapesAfterKey([rect(-50, 100, 500, 500)], press('ArrowLeft'), 'rect', PHOTO)).toEqual([rect(-50, 100, 500, 500)]);
    expect(shapesAfterKey([rect(-50, 100, 500, 500)], press('ArrowRight'), 'rect', PHOTO)).toEqual([rect(10, 100, 500, 500)]);
    expect(shapesAfterKey([rect(-10, -10, 7000, 5000)], press('ArrowDown'), 'rect', PHOTO)).toEqual([rect(-10, -10, 7000, 5000)]);
    // A small photo still moves a pixel a press.
    expect(shapesAfterKey([rect(10, 10, 20, 20)], press('ArrowDown'), 'rect', { width: 64, height: 48 })).toEqual([rect(10, 11, 20, 20)]);
  });

  it('Alt with the arrow keys moves the right and bottom edges, never past the photo or through the opposite edge', () => {
    expect(shapesAfterKey([rect(1000, 1000, 500, 500)], press('ArrowRight', { altKey: true }), 'rect', PHOTO)).toEqual([rect(1000, 1000, 560, 500)]);
    expect(shapesAfterKey([rect(1000, 1000, 500, 500)], press('ArrowUp', { altKey: true, shiftKey: true }), 'rect', PHOTO)).toEqual([rect(1000, 1000, 500, 2)]);
    expect(shapesAfterKey([rect(5900, 3900, 50, 50)], press('ArrowDown', { altKey: true, shiftKey: true }), 'rect', PHOTO)).toEqual([rect(5900, 3900, 50, 100)]);
    const ellipse: MaskShape = { kind: 'ellipse', cx: 3000, cy: 2000, rx: 100, ry: 50 };
    expect(shapesAfterKey([ellipse], press('ArrowRight', { altKey: true }), 'ellipse', PHOTO)).toEqual([{ kind: 'ellipse', cx: 3030, cy: 2000, rx: 130, ry: 50 }]);
  });

  it('a lasso outline moves and stretches point by point', () => {
    const outline: MaskShape = { kind: 'polygon', points: [[100, 100], [300, 100], [200, 300]] };
    expect(shapesAfterKey([outline], press('ArrowLeft'), null, PHOTO)).toEqual([{ kind: 'polygon', points: [[40, 100], [240, 100], [140, 300]] }]);
    // 200 px wide grows to 260: each point keeps its share of the width.
    expect(shapesAfterKey([outline], press('ArrowRight', { altKey: true }), null, PHOTO)).toEqual([{ kind: 'polygon', points: [[100, 100], [360, 100], [230, 300]] }]);
  });

  it('Delete and Backspace remove the newest shape; keys that are not the selection’s are left to the page', () => {
    expect(shapesAfterKey([rect(0, 0, 10, 10), rect(5, 5, 10, 10)], press('Delete'), 'rect', PHOTO)).toEqual([rect(0, 0, 10, 10)]);
    expect(shapesAfterKey([rect(0, 0, 10, 10)], press('Backspace'), 'rect', PHOTO)).toEqual([]);
    expect(shapesAfterKey([], press('Delete'), 'rect', PHOTO)).toBeNull();
    expect(shapesAfterKey([], press('ArrowLeft'), 'rect', PHOTO)).toBeNull();
    expect(shapesAfterKey([rect(0, 0, 10, 10)], press('z'), 'rect', PHOTO)).toBeNull();
  });

  it('says the newest shape’s size and place in photo pixels', () => {
    expect(describeShape(rect(1500.4, 999.6, 3000, 2000))).toBe('Rectangle 3000 × 2000 px, from 1500, 1000 to 4500, 3000');
    expect(describeShape({ kind: 'ellipse', cx: 300, cy: 200, rx: 100, ry: 50 })).toBe('Ellipse 200 × 100 px, from 200, 150 to 400, 250');
    expect(describeShape({ kind: 'polygon', points: [[10, 20], [50, 20], [30, 80]] })).toBe('Lasso 40 × 60 px, from 10, 20 to 50, 80');
  });
});
