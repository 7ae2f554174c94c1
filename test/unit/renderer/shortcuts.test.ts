import { describe, expect, it } from 'vitest';
import { ariaShortcut, commandFor, historyCommandFor, shortcutKey, shortcutLabel, typedAlone } from '../../../renderer/src/lib/shortcuts.js';
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

  it('on a layout of another script the keys are read at their place: Ctrl+я is Ctrl+Z, as in Photoshop or VS Code', () => {
    // Russian, Greek and Hebrew layouts: what Chromium reports for the keys at Z, Y, S and O.
    expect(historyCommandFor(press('я', { ctrl: true, code: 'KeyZ' }), false)).toBe('undo');
    expect(historyCommandFor(press('Я', { ctrl: true, shift: true, code: 'KeyZ' }), false)).toBe('redo');
    expect(historyCommandFor(press('н', { ctrl: true, code: 'KeyY' }), false)).toBe('redo');
    expect(historyCommandFor(press('ζ', { meta: true, code: 'KeyZ' }), true)).toBe('undo');
    expect(commandFor(press('ы', { ctrl: true, code: 'KeyS' }), false)).toBe('save');
    expect(commandFor(press('Ы', { ctrl: true, shift: true, code: 'KeyS' }), false)).toBe('save-as');
    expect(commandFor(press('щ', { ctrl: true, code: 'KeyO' }), false)).toBe('open');
    expect(commandFor(press('ד', { ctrl: true, code: 'KeyS' }), false)).toBe('save');
    expect(commandFor(press('σ', { meta: true, code: 'KeyS' }), true)).toBe('save');
    expect(shortcutKey(press('я', { code: 'KeyZ' }))).toBe('Z');
  });

  it('a Latin layout keeps its own letters: AZERTY’s and Dvorak’s Z and S are where they print them', () => {
    // AZERTY types z at the US W key and w at the US Z key.
    expect(historyCommandFor(press('z', { ctrl: true, code: 'KeyW' }), false)).toBe('undo');
    expect(historyCommandFor(press('w', { ctrl: true, code: 'KeyZ' }), false)).toBeNull();
    // Dvorak: s at the US ; key, o at S; its ; at the US Z key is no letter, so no undo.
    expect(commandFor(press('s', { ctrl: true, code: 'Semicolon' }), false)).toBe('save');
    expect(commandFor(press('o', { ctrl: true, code: 'KeyS' }), false)).toBe('open');
    expect(historyCommandFor(press(';', { ctrl: true, code: 'KeyZ' }), false)).toBeNull();
    // Turkish ğ is a Latin letter: it is not taken for the US letter at its place.
    expect(shortcutKey(press('ğ', { code: 'KeyE' }))).toBe('Ğ');
    expect(shortcutKey(press('w', { code: 'KeyZ' }))).toBe('W');
    expect(shortcutKey(press('Enter', { code: 'NumpadEnter' }))).toBe('Enter');
  });

  it('a one-key shortcut’s character may need AltGr (Ctrl+Alt on Windows, Option on a Mac), but no real Ctrl or Alt combination', () => {
    expect(typedAlone(press('\\', { code: 'Backslash' }), false)).toBe(true);
    // German or French on Windows: AltGr+ß or AltGr+8 types \ and reports Ctrl and Alt.
    expect(typedAlone(press('\\', { ctrl: true, alt: true, code: 'Minus' }), false)).toBe(true);
    // German on a Mac: ⌥⇧7.
    expect(typedAlone(press('\\', { alt: true, shift: true, code: 'Digit7' }), true)).toBe(true);
    expect(typedAlone(press('\\', { ctrl: true }), false)).toBe(false);
    expect(typedAlone(press('\\', { alt: true }), false)).toBe(false);
    expect(typedAlone(press('\\', { meta: true }), true)).toBe(false);
    expect(typedAlone(press('\\', { ctrl: true }), true)).toBe(false);
  });
});
