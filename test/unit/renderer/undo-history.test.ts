import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, historyOf, recorded, redone, undone } from '../../../renderer/src/lib/undo-history.js';
import { historyCommandFor } from '../../../renderer/src/lib/shortcuts.js';
import { press } from '../../fixtures/key-press.js';

const same = (a: string, b: string) => a === b;

describe('undo and redo of whole states', () => {
  it('undoes edits one by one back to the start, and redoes them in order', () => {
    let history = historyOf('rect');
    history = recorded(history, 'lasso', same);
    history = recorded(history, 'lasso + ellipse', same);
    history = undone(history)!;
    expect(history.present).toBe('lasso');
    history = undone(history)!;
    expect(history.present).toBe('rect');
    expect(undone(history)).toBeNull();
    history = redone(history)!;
    history = redone(history)!;
    expect(history.present).toBe('lasso + ellipse');
    expect(redone(history)).toBeNull();
  });

  it('an edit after an undo drops what could have been redone; an edit that changes nothing is no step', () => {
    let history = recorded(historyOf('rect'), 'lasso', same);
    history = undone(history)!;
    history = recorded(history, 'ellipse', same);
    expect(redone(history)).toBeNull();
    expect(recorded(history, 'ellipse', same)).toBe(history);
    expect(undone(history)!.present).toBe('rect');
  });

  it(`keeps the latest ${HISTORY_LIMIT} steps back`, () => {
    let history = historyOf(0);
    for (let i = 1; i <= HISTORY_LIMIT + 20; i++) history = recorded(history, i, (a, b) => a === b);
    expect(history.past.length).toBe(HISTORY_LIMIT);
    expect(history.past[0]).toBe(20);
  });
});

describe('the keys of undo and redo', () => {
  it('Ctrl+Z undoes; Ctrl+Shift+Z and Ctrl+Y redo; ⌘Z and ⇧⌘Z on a Mac', () => {
    expect(historyCommandFor(press('z', { ctrl: true }), false)).toBe('undo');
    expect(historyCommandFor(press('Z', { ctrl: true, shift: true }), false)).toBe('redo');
    expect(historyCommandFor(press('y', { ctrl: true }), false)).toBe('redo');
    expect(historyCommandFor(press('z', { meta: true }), true)).toBe('undo');
    expect(historyCommandFor(press('Z', { meta: true, shift: true }), true)).toBe('redo');
  });

  it('leaves Z alone (Fit / 100 %), Alt, the other platform’s modifier, and ⌘Y', () => {
    expect(historyCommandFor(press('z'), false)).toBeNull();
    expect(historyCommandFor(press('z', { ctrl: true, alt: true }), false)).toBeNull();
    expect(historyCommandFor(press('z', { meta: true }), false)).toBeNull();
    expect(historyCommandFor(press('z', { ctrl: true }), true)).toBeNull();
    expect(historyCommandFor(press('y', { meta: true }), true)).toBeNull();
    expect(historyCommandFor(press('Y', { ctrl: true, shift: true }), false)).toBeNull();
  });
});
