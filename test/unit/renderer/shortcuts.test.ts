import { describe, expect, it } from 'vitest';
import { ariaShortcut, commandFor, shortcutLabel } from '../../../renderer/src/lib/shortcuts.js';
import { press } from '../../fixtures/key-press.js';

describe('the toolbar’s keys', () => {
  it('Ctrl (⌘ on a Mac) with O, Enter, S and Shift+S, whatever the letter’s case', () => {
    expect(commandFor(press('o', { ctrl: true }), false)).toBe('open');
    expect(commandFor(press('Enter', { ctrl: true }), false)).toBe('deblur');
    expect(commandFor(press('s', { ctrl: true }), false)).toBe('save');
    // Shift makes the letter upper case.
    expect(commandFor(press('S', { ctrl: true, shift: true }), false)).toBe('save-as');
    expect(commandFor(press('s', { meta: true }), true)).toBe('save');
    expect(commandFor(press('S', { meta: true, shift: true }), true)).toBe('save-as');
  });

  it('leaves every other press alone: no modifier, the other platform’s, Alt, or another key', () => {
    expect(commandFor(press('s'), false)).toBeNull();
    expect(commandFor(press('s', { meta: true }), false)).toBeNull();
    expect(commandFor(press('s', { ctrl: true }), true)).toBeNull();
    expect(commandFor(press('s', { ctrl: true, alt: true }), false)).toBeNull();
    expect(commandFor(press('o', { ctrl: true, shift: true }), false)).toBeNull();
    expect(commandFor(press('z', { ctrl: true }), false)).toBeNull();
  });

  it('names each key as the platform writes it, for tooltips and screen readers', () => {
    expect(shortcutLabel('save-as', false)).toBe('Ctrl+Shift+S');
    expect(shortcutLabel('save-as', true)).toBe('⇧⌘S');
    expect(shortcutLabel('deblur', false)).toBe('Ctrl+Enter');
    expect(shortcutLabel('deblur', true)).toBe('⌘↩');
    expect(ariaShortcut('save-as', false)).toBe('Control+Shift+S');
    expect(ariaShortcut('open', true)).toBe('Meta+O');
  });
});
