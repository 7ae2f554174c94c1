import path from 'node:path';
import type { CDPSession } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dropFile } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * The keys on keyboards that do not type Latin letters, or type \ with AltGr, in Chromium with the
 * real services. The presses are sent as Chromium receives them from such a keyboard (a Russian
 * layout's Ctrl+Z is key "я" at code KeyZ; German \ on Windows is AltGr+ß, reported as Ctrl+Alt):
 * the test machine's own layout is US, so these go through the DevTools protocol.
 */
const CANVAS = '[data-testid="canvas"]';
const PHOTO = 'ladybird.jpg';
// DevTools protocol modifier bits.
const ALT = 1;
const CTRL = 2;
const SHIFT = 8;

describe('shortcuts on non-Latin and AltGr keyboard layouts', () => {
  const { file, page, saveDialog } = useE2eSession('layouts', async (file) => {
    // Small, with the instant model: the deblur is not what is tested.
    await sharp(path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg')).resize(480, 300).jpeg({ quality: 90 }).toFile(file(PHOTO));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const shapes = () => page().getByTestId('selection-overlay').locator('rect.edge').count();
  const pressed = (group: string) => page().getByRole('group', { name: group }).locator('button[aria-pressed="true"]').textContent();
  let cdp: CDPSession;

  /** One press and release of the key at `code` typing `key`, with `modifiers` held. */
  async function key(keyText: string, code: string, virtualKey: number, modifiers = 0): Promise<void> {
    const event = { key: keyText, code, windowsVirtualKeyCode: virtualKey, nativeVirtualKeyCode: virtualKey, modifiers };
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...event });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...event });
  }

  it('Russian Ctrl+я and Ctrl+Shift+Я undo and redo the selection; я alone is Z, 100 %', async () => {
    cdp = await page().context().newCDPSession(page());
    await dropFile(page(), CANVAS, file(PHOTO), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await page().getByRole('button', { name: 'Rectangle', exact: true }).click();
    await page().getByTestId('selection-overlay').focus();
    await page().keyboard.press('Enter');
    await expect.poll(shapes).toBe(1);
    await key('я', 'KeyZ', 90, CTRL);
    await expect.poll(shapes).toBe(0);
    await key('Я', 'KeyZ', 90, CTRL | SHIFT);
    await expect.poll(shapes).toBe(1);
    await key('я', 'KeyZ', 90);
    await expect.poll(() => pressed('Zoom')).toBe('100 %');
    // Greek too.
    await key('ζ', 'KeyZ', 90);
    await expect.poll(() => pressed('Zoom')).toBe('Fit');
  });

  it('Ctrl+Enter deblurs; AltGr+ß (\\ on a German keyboard) toggles before/after, a real Ctrl+\\ or Alt+\\ does not', async () => {
    await page().locator('select').selectOption({ label: 'Quick look' });
    await key('Enter', 'Enter', 13, CTRL);
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    const shown = await pressed('Compare before and after');
    expect(shown).not.toBe('Before');
    await key('\\', 'Minus', 219, CTRL | ALT);
    await expect.poll(() => pressed('Compare before and after')).toBe('Before');
    // The protocol answers once the page has handled the key: a toggle would show by then.
    await key('\\', 'Backslash', 220, CTRL);
    expect(await pressed('Compare before and after')).toBe('Before');
    await key('\\', 'Backslash', 220, ALT);
    expect(await pressed('Compare before and after')).toBe('Before');
    await key('\\', 'Backslash', 220);
    await expect.poll(() => pressed('Compare before and after')).toBe(shown);
  });

  it('Ctrl+ы saves, Ctrl+Shift+Ы asks where, Ctrl+щ opens (Russian S and O)', async () => {
    await key('ы', 'KeyS', 83, CTRL);
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-unshaken.jpg');
    saveDialog().answer(null);
    await key('Ы', 'KeyS', 83, CTRL | SHIFT);
    await expect.poll(() => saveDialog().asked.length).toBe(1);
    await expect.poll(() => page().getByTestId('save-as-button').getAttribute('aria-disabled')).toBeNull();
    const [chooser] = await Promise.all([page().waitForEvent('filechooser'), key('щ', 'KeyO', 79, CTRL)]);
    expect(chooser.isMultiple()).toBe(false);
  });
});
