import { cp } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { appLoaded, dropFolder, focusedTestId } from './chromium-page.js';
import { useE2eSession } from './harness.js';

/**
 * The Fine-tune panel's fields, in Chromium with the real services: a value Start refuses is said
 * at its field, which takes the focus, rather than only in the window-top banner; and the trainer's
 * defaults the Advanced fields show as placeholders are legible (WCAG AA).
 */
type PageColours = { getComputedStyle(node: unknown, pseudo?: string): { color: string; backgroundColor: string } };

/** WCAG's contrast ratio of two rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = colour.match(/[\d.]+/g)!.map(Number).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('the Fine-tune panel’s fields', () => {
  const { file, page } = useE2eSession('training-fields', async (file) => {
    await makeGoproPairsFolder(file('pairs'), 1);
  });
  const panel = () => page().getByTestId('training-panel');

  it('a crop size Start refuses is said at the field, which takes the focus; changing it takes the message away', async () => {
    await appLoaded(page());
    await dropFolder(page(), '[data-testid="training-drop"]', file('pairs'));
    await expect.poll(() => panel().getByTestId('training-folder').textContent(), { timeout: 30_000 }).toBe('pairs');
    await panel().locator('details.advanced summary').click();
    const crop = panel().getByTestId('training-crop');
    await crop.fill('36');
    // Closed again: Start opens it to hand the field the focus.
    await panel().locator('details.advanced summary').click();
    await panel().getByTestId('training-start').focus();
    await page().keyboard.press('Enter');

    await expect.poll(() => crop.getAttribute('aria-invalid')).toBe('true');
    expect(await focusedTestId(page())).toBe('training-crop');
    const describedBy = await crop.getAttribute('aria-describedby');
    const message = page().locator(`#${describedBy}`);
    expect(await message.textContent()).toBe('The crop size must be a multiple of 8 px from 24 to 1024.');
    expect(await message.isVisible()).toBe(true);
    // Said where it is fixed, not in the banner at the window's top.
    expect(await page().getByTestId('error-banner').count()).toBe(0);
    expect(await page().getByTestId('training-status').count()).toBe(0);

    await crop.fill('32');
    expect(await crop.getAttribute('aria-invalid')).toBeNull();
    expect(await crop.getAttribute('aria-describedby')).toBeNull();
    expect(await panel().getByTestId('training-field-problem').count()).toBe(0);
  });

  it('a blank name, one with a direction control or a step count of 0 leaves Start enabled, and Start says why at that field', async () => {
    const name = panel().getByTestId('training-name');
    const steps = panel().getByTestId('training-steps');
    const before = await name.inputValue();
    for (const [field, value, words] of [
      [name, '   ', 'Give the new model a name: it is how the Model menu will list it.'],
      // Main refuses it too (train:start's schema is Rename's): said here, at the field, not in the banner.
      [name, 'Evil\u202Egpj.exe', 'A model name cannot hold text-direction controls (they can make it read as something else).'],
      // Typed or pasted too long: refused in words, not cut short without one.
      [name, 'x'.repeat(101), 'A model name can be at most 100 characters.'],
      [steps, '0', 'Steps must be a whole number from 1 to 1,000,000.'],
    ] as const) {
      await field.fill(value);
      expect(await panel().getByTestId('training-start').isDisabled()).toBe(false);
      await panel().getByTestId('training-start').click();
      await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
      expect(await page().locator(`#${await field.getAttribute('aria-describedby')}`).textContent()).toBe(words);
      expect(await focusedTestId(page())).toBe(await field.getAttribute('data-testid'));
      await field.fill(field === name ? before : '1');
      expect(await field.getAttribute('aria-invalid')).toBeNull();
    }
    expect(await page().getByTestId('training-status').count()).toBe(0);
  });

  it('a folder whose name has a line break gives a name the rule takes, shown as one line', async () => {
    const odd = file('pairs\nday 1');
    await cp(file('pairs'), odd, { recursive: true });
    await dropFolder(page(), '[data-testid="training-drop"]', odd);
    await expect.poll(() => panel().getByTestId('training-name').inputValue(), { timeout: 30_000 }).toBe('pairs day 1');
  });

  it('the Advanced fields’ placeholders (the trainer’s defaults) meet AA contrast', async () => {
    const advanced = panel().locator('details.advanced');
    if (!(await advanced.evaluate((details) => (details as unknown as { open: boolean }).open))) await advanced.locator('summary').click();
    for (const key of ['crop', 'batch', 'perceptualWeight', 'criticWidth']) {
      const field = panel().getByTestId(`training-${key}`);
      await field.fill('');
      const { text, background } = await field.evaluate((input) => {
        const w = globalThis as unknown as PageColours;
        return { text: w.getComputedStyle(input, '::placeholder').color, background: w.getComputedStyle(input).backgroundColor };
      });
      expect(contrast(text, background), `${key}: ${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
