import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { installTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { appLoaded, attachPath, dropFile, dropFolder } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * Where the keyboard focus goes after everyday actions that remove or disable the control that
 * had it, in Chromium with the real services: never to <body> (a keyboard or screen-reader user
 * would start again from the top of the window), always to the next thing to do. Also: a photo
 * that opens is announced, and the in-place "are you sure" prompts cancel on Escape.
 */

const CANVAS = '[data-testid="canvas"]';
const TINY = 'tiny-camera';

type PageElement = { tagName: string; textContent: string | null; getAttribute(name: string): string | null; closest(selector: string): PageElement | null };
type PageDocument = { activeElement: PageElement | null; body: PageElement; querySelector(selector: string): PageElement | null };

describe('focus after actions that remove or disable the focused control', () => {
  const { file, page } = useE2eSession('focus', async (file) => {
    // Small, so each deblur takes a few seconds on two cores.
    const sample = path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg');
    await sharp(sample).resize(480, 300).jpeg({ quality: 90 }).toFile(file('a.jpg'));
    await sharp(sample).resize(300, 480).jpeg({ quality: 90 }).toFile(file('b.jpg'));
    await mkdir(file('folder'));
    await copyFile(file('a.jpg'), file('folder/one.jpg'));
    await makeGoproPairsFolder(file('pairs'));
    // A tiny generator to fine-tune from in seconds, and two models of one's own to remove.
    await installTinyGenerator(file('user-data/models'), TINY, 'Tiny camera');
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
    await installModelCopy(file('user-data'), 'second-look', 'Second look');
  });
  const panel = () => page().getByTestId('training-panel');
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });

  /** The focused control as a person would name it: its test id, else its label or text; BODY when none. */
  const focused = () =>
    page().evaluate(() => {
      const d = (globalThis as unknown as { document: PageDocument }).document;
      const a = d.activeElement;
      if (!a || a === d.body) return 'BODY';
      return a.getAttribute('data-testid') ?? a.getAttribute('aria-label') ?? (a.textContent ?? '').replace(/\s+/g, ' ').trim();
    });
  /** Whether the focus is on the pressed "part of the photo to fix" button: the photo's first control. */
  const onPhotoFirst = () =>
    page().evaluate(() => {
      const a = (globalThis as unknown as { document: PageDocument }).document.activeElement;
      return a?.getAttribute('aria-pressed') === 'true' && a.closest('[data-testid="selection-tools"]') !== null ? `pressed ${a.textContent?.trim()}` : 'elsewhere';
    });

  async function openWithPicker(press: () => Promise<void>, photo: string): Promise<void> {
    const [chooser] = await Promise.all([page().waitForEvent('filechooser'), press()]);
    await attachPath(page(), file(photo));
    await chooser.setFiles(file(photo));
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(photo);
  }

  async function deblur(): Promise<void> {
    await page().keyboard.press('Control+Enter');
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
  }

  it('the drop zone pressed and a photo picked: the focus moves to the photo, the open is announced by an ever-present region', async () => {
    await appLoaded(page());
    // Both regions are there before they speak: one inserted holding its text is often not read.
    expect(await page().getByTestId('opening-status').count()).toBe(1);
    expect(await text('opening-status')).toBe('');
    expect(await text('job-announcement')).toBe('');
    await page().getByTestId('drop-zone').focus();
    await openWithPicker(() => page().keyboard.press('Enter'), 'a.jpg');
    await expect.poll(onPhotoFirst).toBe('pressed Whole photo');
    await expect.poll(() => text('job-announcement')).toBe('Opened a.jpg');
    expect(await text('opening-status')).toBe('');
  });

  it('Save As… disabled by the next photo (Ctrl+O): the focus moves to that photo, not the page', async () => {
    await deblur();
    // Save hands the focus to Save As… (the next step) as it is disabled.
    await page().getByTestId('save-button').press('Enter');
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toMatch(/^Saved as/);
    expect(await focused()).toBe('save-as-button');
    await openWithPicker(() => page().keyboard.press('Control+o'), 'b.jpg');
    await expect.poll(onPhotoFirst).toBe('pressed Whole photo');
    await expect.poll(() => text('job-announcement')).toBe('Opened b.jpg');
  });

  it('a compare button removed with the result (another photo opened or dropped): the focus moves to the new photo', async () => {
    await deblur();
    await page().getByRole('button', { name: 'Split', exact: true }).focus();
    await openWithPicker(() => page().keyboard.press('Control+o'), 'a.jpg');
    await expect.poll(onPhotoFirst).toBe('pressed Whole photo');
    await deblur();
    await page().getByRole('button', { name: 'After', exact: true }).focus();
    await dropFile(page(), CANVAS, file('b.jpg'), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe('b.jpg');
    await expect.poll(onPhotoFirst).toBe('pressed Whole photo');
  });

  it('Invert gone with the last shape undone: the focus moves to the photo, where the Rectangle takes the keys', async () => {
    await page().getByRole('button', { name: 'Rectangle', exact: true }).press('Enter');
    await page().getByTestId('selection-overlay').press('Enter');
    await page().getByRole('checkbox', { name: 'Invert' }).focus();
    await page().keyboard.press('Space');
    await page().keyboard.press('Control+z');
    await page().keyboard.press('Control+z');
    await expect.poll(() => page().getByRole('checkbox', { name: 'Invert' }).count()).toBe(0);
    await expect.poll(focused).toBe('selection-overlay');
    await page().getByRole('button', { name: 'Whole photo', exact: true }).click();
  });

  it('Clear finished batches: the focus moves to the Output panel’s Deblur a folder…', async () => {
    await dropFolder(page(), CANVAS, file('folder'));
    await expect.poll(() => text('batch-summary'), { timeout: 120_000 }).toMatch(/1 done/);
    await page().getByTestId('batch-clear').press('Enter');
    await expect.poll(() => page().getByTestId('batch-panel').count()).toBe(0);
    await expect.poll(focused).toBe('output-batch-folder');
  });

  it('Escape cancels Remove’s question; Move to trash moves the focus to the next model’s Remove, then back to the panel', async () => {
    await page().getByRole('button', { name: 'Remove Quick look' }).press('Enter');
    expect(await focused()).toBe('Keep');
    await page().keyboard.press('Escape');
    expect(await panel().getByRole('button', { name: 'Move to trash' }).count()).toBe(0);
    expect(await focused()).toBe('Remove Quick look');
    await page().keyboard.press('Enter');
    await panel().getByRole('button', { name: 'Move to trash', exact: true }).press('Enter');
    await expect.poll(() => page().getByRole('button', { name: 'Remove Quick look' }).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(focused).toBe('Remove Second look');
    await page().keyboard.press('Enter');
    await page().keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Move to trash');
    await page().keyboard.press('Enter');
    // Tiny camera stays (the next test trains from it), listed before: the focus goes to its Remove.
    await expect.poll(() => page().getByRole('button', { name: 'Remove Second look' }).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(focused).toBe('Remove Tiny camera');
  });

  it('Use “…” after a fine-tune moves the focus to the line that says it is in use; Resume to Stop; Discard → Delete back to the panel', async () => {
    await page().locator('header select').selectOption({ label: 'Tiny camera' });
    await dropFolder(page(), '[data-testid="training-drop"]', file('pairs'));
    await panel().getByTestId('training-name').fill('Street');
    await panel().getByTestId('training-steps').fill('3');
    await panel().locator('details.advanced summary').click();
    for (const [key, value] of [['crop', '32'], ['batch', '1'], ['perceptualWeight', '0'], ['criticWidth', '4']]) await panel().getByTestId(`training-${key}`).fill(value!);
    await panel().getByTestId('training-start').press('Enter');
    await expect.poll(() => page().getByTestId('training-status').getAttribute('data-status', { timeout: 5_000 }), { timeout: 180_000 }).toBe('done');
    await panel().getByTestId('training-use').press('Enter');
    await expect.poll(focused).toBe('training-in-use');

    // An interrupted run: Resume goes with its card, Discard's Delete too.
    await page().locator('header select').selectOption({ label: 'Tiny camera' });
    await panel().getByTestId('training-name').fill('Night');
    await panel().getByTestId('training-steps').fill('400');
    await panel().getByTestId('training-start').press('Enter');
    await expect.poll(() => text('training-stage').catch(() => ''), { timeout: 90_000 }).toMatch(/^Step \d+ of 400/);
    await panel().getByTestId('training-stop').press('Enter');
    await expect.poll(() => panel().getByTestId('training-run').count(), { timeout: 90_000 }).toBe(1);
    await panel().getByRole('button', { name: 'Resume Night' }).press('Enter');
    await expect.poll(focused, { timeout: 30_000 }).toMatch(/^training-(stop|start)$/);
    await expect.poll(() => text('training-stage').catch(() => ''), { timeout: 90_000 }).toMatch(/^Step \d+ of 400/);
    await panel().getByTestId('training-stop').press('Enter');
    await expect.poll(() => panel().getByTestId('training-run').count(), { timeout: 90_000 }).toBe(1);
    await panel().getByRole('button', { name: 'Discard Night' }).press('Enter');
    await panel().getByRole('button', { name: 'Delete', exact: true }).press('Enter');
    await expect.poll(() => panel().getByTestId('training-run').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(focused).toBe('training-start');
  });
});
