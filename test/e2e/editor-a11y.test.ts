import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { appLoaded, dropFile, dropFolder, focusedTestId, pendingRequests } from './chromium-page.js';
import { installModelCopy, repoRoot, useE2eSession } from './harness.js';

/**
 * Accessibility and the words around the photo, in Chromium with the real services: the toolbar
 * fits the smallest window; filled buttons keep their contrast; screen readers hear each job's
 * state changes (never its progress) and each save; focus never falls to <body>; errors say what
 * is true (a folder, the size limit) with their code kept quiet; job cards tell saves apart.
 * Set UNSHAKE_E2E_SHOTS to a folder to keep screenshots of each state checked, to look at.
 */

const CANVAS = '[data-testid="canvas"]';
const PHOTO = 'ladybird.jpg';
const SIZES = [
  { width: 800, height: 600 },
  { width: 1024, height: 640 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const SHOTS = process.env.UNSHAKE_E2E_SHOTS;

// Page-side code runs in Chromium; the test tsconfig has no DOM lib, so it is typed by hand.
type Rect = { left: number; right: number; top: number; bottom: number };
type PageElement = {
  tagName: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  getBoundingClientRect(): Rect;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
  querySelectorAll(selector: string): Iterable<PageElement>;
};
type PageWindow = {
  innerWidth: number;
  document: { body: PageElement; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> };
  getComputedStyle(el: PageElement): { color: string; backgroundColor: string; fontSize: string };
  MutationObserver: new (callback: () => void) => { observe(target: PageElement, options: Record<string, boolean>): void };
  __announced?: string[];
  __liveViolations?: string[];
  __liveObserved?: boolean;
};

/** WCAG contrast of two opaque computed colours ("rgb(r, g, b)"). */
function contrast(foreground: string, background: string): number {
  const luminance = (colour: string): number => {
    const [r, g, b] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('editor accessibility in Chromium with the real services', () => {
  const { file, page, app, services, saveDialog } = useE2eSession('a11y', async (file) => {
    // Small, so each deblur takes a few seconds on two cores.
    await sharp(path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg')).resize(480, 300).jpeg({ quality: 90 }).toFile(file(PHOTO));
    await mkdir(file('My Photos'));
    await mkdir(file('Holiday.jpg'));
    await installModelCopy(file('user-data'), 'quick-look', 'Quick look');
    // Just over the smallest limit the Output panel allows (1 MP).
    await sharp(path.join(repoRoot, 'assets/samples/shaken-ladybird.jpg')).resize(1500, 1000, { fit: 'fill' }).jpeg({ quality: 80 }).toFile(file('big-ladybird.jpg'));
  });
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const button = (name: string) => page().getByRole('button', { name, exact: true });
  // The dialog is asked before its answer is back: until then the editor is still saving, and Deblur
  // and Save As… do nothing (in Electron the dialog is modal, so no key reaches the page meanwhile).
  const saveAsDone = () => expect.poll(() => page().getByTestId('save-as-button').getAttribute('aria-disabled')).toBeNull();
  const shot = async (name: string) => {
    if (SHOTS) await page().screenshot({ path: path.join(SHOTS, `a11y-${name}.png`) });
  };
  const focused = () => focusedTestId(page());

  /** The Deblur/After button's text against its fill, as drawn now. */
  async function fillContrast(name: string): Promise<number> {
    const style = await button(name).evaluate((el) => {
      const { color, backgroundColor } = (globalThis as unknown as PageWindow).getComputedStyle(el as unknown as PageElement);
      return { color, backgroundColor };
    });
    return contrast(style.color, style.backgroundColor);
  }

  /** Everything in the toolbar that is off screen, cut, outside the bar, or over something else. */
  function toolbarProblems(): Promise<string[]> {
    return page().evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const bar = w.document.querySelector('header');
      if (!bar) return ['no toolbar'];
      const barBox = bar.getBoundingClientRect();
      const problems: string[] = [];
      if (bar.scrollWidth > bar.clientWidth + 1) problems.push('the toolbar scrolls sideways');
      const parts = [...bar.querySelectorAll('.brand, button, select, input, output, label > span')].map((el) => ({
        el,
        name: `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}"`,
        box: el.getBoundingClientRect(),
      }));
      for (const { el, name, box } of parts) {
        if (box.left < -0.5 || box.right > w.innerWidth + 0.5) problems.push(`${name} runs off screen (${Math.round(box.left)}–${Math.round(box.right)})`);
        if (box.top < barBox.top - 0.5 || box.bottom > barBox.bottom + 0.5) problems.push(`${name} sticks out of the toolbar`);
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) problems.push(`${name} is cut (${el.scrollWidth} > ${el.clientWidth})`);
      }
      // Only leaf controls: a label's span and its input never nest.
      for (const [i, a] of parts.entries()) {
        for (const b of parts.slice(i + 1)) {
          const overlap = a.box.left < b.box.right - 0.5 && b.box.left < a.box.right - 0.5 && a.box.top < b.box.bottom - 0.5 && b.box.top < a.box.bottom - 0.5;
          if (overlap) problems.push(`${a.name} overlaps ${b.name}`);
        }
      }
      return problems;
    });
  }

  async function expectToolbarFits(state: string): Promise<void> {
    for (const size of SIZES) {
      await page().setViewportSize(size);
      await expect.poll(() => page().evaluate(() => (globalThis as unknown as PageWindow).innerWidth)).toBe(size.width);
      await shot(`${state}-${size.width}x${size.height}`);
      expect(await toolbarProblems(), `toolbar at ${size.width}×${size.height}, ${state}`).toEqual([]);
    }
    await page().setViewportSize({ width: 1280, height: 800 });
  }

  /**
   * Records, from now on, every text a live region takes (what a screen reader would read) and
   * any control or progress bar found inside one (each change of those would be read too).
   * A later call starts the record afresh.
   */
  function recordLiveRegions(): Promise<void> {
    return page().evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const REGIONS = ['[aria-live]:not([aria-live="off"])', '[role="status"]', '[role="alert"]', '[role="log"]', 'output:not([aria-hidden="true"])'];
      const last = new Map<PageElement, string>();
      w.__announced = [];
      w.__liveViolations = [];
      const check = () => {
        for (const region of w.document.querySelectorAll(REGIONS.join(', '))) {
          const said = (region.textContent ?? '').replace(/\s+/g, ' ').trim();
          if (last.get(region) !== said && said) w.__announced!.push(said);
          last.set(region, said);
          for (const inner of region.querySelectorAll('button, [role="progressbar"]')) {
            w.__liveViolations!.push(`${inner.tagName.toLowerCase()} "${(inner.textContent ?? '').trim()}" inside a live region`);
          }
        }
      };
      check();
      w.__announced = [];
      w.__liveViolations = [];
      if (w.__liveObserved) return;
      w.__liveObserved = true;
      new w.MutationObserver(check).observe(w.document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  }

  const recorded = () =>
    page().evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      return { announced: w.__announced ?? [], violations: [...new Set(w.__liveViolations ?? [])] };
    });

  it('the toolbar fits every window size down to the 800 × 600 minimum: nothing off screen, cut or overlapping', async () => {
    // The first appInfo starts the engine process, which takes a few seconds on a cold machine;
    // the model names set the picker's width.
    await appLoaded(page());
    await expectToolbarFits('empty');
  });

  it('a dropped folder is taken as a folder, whatever its name; the code stays quiet; dismissing gives focus back', async () => {
    await button('Open…').focus();
    // Both are empty: a batch of nothing says so (a folder of photos is a batch: batch.test.ts).
    // Each is its own banner: the second does not replace the first, unread.
    for (const name of ['My Photos', 'Holiday.jpg']) {
      await dropFolder(page(), CANVAS, file(name));
      await expect.poll(() => page().getByTestId('error-banner').last().textContent()).toContain(`${name} holds no photos`);
      expect(await page().getByTestId('error-code').last().textContent()).toBe('FILE_NOT_FOUND');
    }
    expect(await page().getByTestId('error-banner').count()).toBe(2);
    expect((await page().getByTestId('error-banner').allTextContents()).join('\n')).not.toMatch(/is not a photo/);
    await shot('folder');

    // The code is smaller and sits beside the message, not under it as a second headline.
    const layout = await page().evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const message = w.document.querySelector('[data-testid="error-banner"] .message')!;
      const code = w.document.querySelector('[data-testid="error-code"]')!;
      const size = (node: PageElement) => parseFloat(w.getComputedStyle(node).fontSize);
      return { messageBottom: message.getBoundingClientRect().bottom, codeTop: code.getBoundingClientRect().top, messageSize: size(message), codeSize: size(code) };
    });
    expect(layout.codeSize).toBeLessThan(layout.messageSize);
    expect(layout.codeTop).toBeLessThan(layout.messageBottom);

    // The first dismissed hands the focus to the other's Dismiss; the last back to Open….
    await page().getByRole('button', { name: 'Dismiss error' }).last().click();
    await expect.poll(() => page().getByTestId('error-banner').count()).toBe(1);
    await page().getByRole('button', { name: 'Dismiss error' }).click();
    await expect.poll(() => page().getByTestId('error-banner').count()).toBe(0);
    expect(await focused()).toBe('open-button');
  });

  it('a photo over the size limit says the limit and why, and where it is set', async () => {
    expect(await services().dispatch('settings:set', { maxMegapixels: 1 })).toMatchObject({ ok: true });
    try {
      await dropFile(page(), CANVAS, file('big-ladybird.jpg'), 'image/jpeg');
      await expect.poll(() => text('error-code'), { timeout: 30_000 }).toBe('IMAGE_TOO_LARGE');
      const message = await page().getByTestId('error-banner').locator('.message').textContent();
      // Main and the engine each check the limit; whichever speaks, it names the limit and why.
      expect(message).toContain('1.5 megapixels');
      expect(message).toContain('over the 1-megapixel limit');
      expect(message).toContain('memory');
      // Where the limit is set, by the name the Output panel gives it (there is no Settings screen).
      expect(message).toContain("(Largest photo, in the app's Output panel)");
      expect(await page().getByTestId('setting-max-megapixels').evaluate((input) => (input as unknown as { labels: { textContent: string }[] }).labels[0]?.textContent)).toMatch(/^\s*Largest photo/);
      expect(message).not.toMatch(/settings/i);
      await shot('too-large');
    } finally {
      await services().dispatch('settings:set', { maxMegapixels: 250 });
    }
    await button('Dismiss error').click();
  });

  it('filled buttons keep 4.5:1 contrast, hovered too; the strength readout is not read out twice', async () => {
    await dropFile(page(), CANVAS, file(PHOTO), 'image/jpeg');
    await expect.poll(() => text('meta-file'), { timeout: 30_000 }).toBe(PHOTO);
    await expect.poll(() => button('Deblur').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await fillContrast('Deblur')).toBeGreaterThanOrEqual(4.5);
    await button('Deblur').hover();
    expect(await fillContrast('Deblur')).toBeGreaterThanOrEqual(4.5);
    await page().mouse.move(0, 0);
    // An <output> is a live status: the slider's own value text already speaks each step.
    expect(await page().locator('output').getAttribute('aria-hidden')).toBe('true');
  });

  it('a deblur is announced when it starts and ends, never its progress; Cancel and the bars stay out of live regions', async () => {
    await recordLiveRegions();
    await button('Deblur').press('Enter');
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    // Deblur waited for its job without dropping the focus to the page: the keyboard carries on from it.
    expect(await focused()).toBe('deblur-button');
    const { announced, violations } = await recorded();
    expect(violations).toEqual([]);
    expect(announced.every((said) => [`Deblur started: ${PHOTO}`, `Deblur done: ${PHOTO}`].includes(said)), announced.join(' | ')).toBe(true);
    expect(announced.at(-1)).toBe(`Deblur done: ${PHOTO}`);

    // The pressed After button is a filled button too.
    await expect.poll(() => button('After').getAttribute('aria-pressed')).toBe('true');
    expect(await fillContrast('After')).toBeGreaterThanOrEqual(4.5);
    await button('After').hover();
    expect(await fillContrast('After')).toBeGreaterThanOrEqual(4.5);
    await page().mouse.move(0, 0);
    await expectToolbarFits('result');
  });

  it('Save says where it writes, announces the file, and hands focus on (to Save As…) instead of dropping it', async () => {
    expect(await button('Save').getAttribute('title')).toContain('next to the original as ladybird-unshaken.jpg');
    await recordLiveRegions();
    await button('Save').press('Enter');
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-unshaken.jpg');
    expect((await recorded()).announced).toEqual(['Saved as ladybird-unshaken.jpg']);
    await expect.poll(() => button('Save').isDisabled()).toBe(true);
    // On to the next step: another copy elsewhere.
    expect(await focused()).toBe('save-as-button');
    await shot('saved');
  });

  it('job cards name their photo with spaces, say which model made each result, and list its saves with their strengths', async () => {
    // A second result, with another model, saved at another strength.
    await page().locator('select').selectOption({ label: 'Quick look' });
    await button('Deblur').click();
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    await page().locator('input[type="range"]').fill('60');
    await button('Save').click();
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-unshaken-2.jpg');

    await shot('two-saves');
    const cards = page().getByTestId('job-panel').locator('li');
    expect((await cards.locator('.kind').allTextContents()).map((title) => title.trim())).toEqual([`Deblur · ${PHOTO}`, `Deblur · ${PHOTO}`]);
    expect(await cards.getByTestId('job-made-with').allTextContents()).toEqual(['Quick look', 'Base model — Unshake base']);
    const saves = async () => (await cards.getByTestId('job-save').allTextContents()).map((line) => line.replace(/\s+/g, ' ').trim());
    expect(await saves()).toEqual([`Saved to ${file('ladybird-unshaken-2.jpg')} at 60 %`, `Saved to ${file('ladybird-unshaken.jpg')} at 100 %`]);
    // The same result saved again at another strength: a second file, both listed on its card.
    await page().locator('input[type="range"]').fill('80');
    await button('Save').click();
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-unshaken-3.jpg');
    expect((await saves()).slice(0, 2)).toEqual([`Saved to ${file('ladybird-unshaken-2.jpg')} at 60 %`, `Saved to ${file('ladybird-unshaken-3.jpg')} at 80 %`]);
  });

  it('Save As… asks the system’s dialog where, from Save’s next name; writes there, lists it, and keeps the focus', async () => {
    const cards = page().getByTestId('job-panel').locator('li');
    const saveAs = page().getByTestId('save-as-button');
    // Saved at 80 % already: Save waits for another strength, Save As… writes anywhere else.
    await expect.poll(() => button('Save').isDisabled()).toBe(true);
    expect(await saveAs.isEnabled()).toBe(true);
    // Cancelled: nothing is written, nothing listed.
    const savesBefore = await cards.getByTestId('job-save').count();
    saveDialog().answer(null);
    await saveAs.press('Enter');
    await expect.poll(() => saveDialog().asked.length).toBe(1);
    await saveAsDone();
    expect(saveDialog().asked[0]!.defaultPath).toBe(file('ladybird-unshaken-4.jpg'));
    expect(await cards.getByTestId('job-save').count()).toBe(savesBefore);
    // A place and a type of the photographer's choosing: a PNG in another folder.
    await mkdir(file('For print'));
    saveDialog().answer(file('For print/ladybird.png'));
    await saveAs.press('Enter');
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird.png in For print');
    expect((await sharp(file('For print/ladybird.png')).metadata()).format).toBe('png');
    expect((await cards.first().getByTestId('job-save').allTextContents()).at(-1)!.replace(/\s+/g, ' ').trim()).toBe(`Saved to ${file('For print/ladybird.png')} at 80 %`);
    expect(await focused()).toBe('save-as-button');
    // Saved elsewhere in the type Save would write: Save still has its own copy to write.
    await page().locator('input[type="range"]').fill('70');
    saveDialog().answer(file('For print/ladybird-70.jpg'));
    await saveAs.click();
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-70.jpg in For print');
    expect(await button('Save').isEnabled()).toBe(true);
    // So too beside the original under a name of one's own: Save's own copy is still to write.
    saveDialog().answer(file('ladybird for the web.jpg'));
    await saveAs.click();
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird for the web.jpg');
    expect(await button('Save').isEnabled()).toBe(true);
    // The same file again at another strength, agreed to be replaced in the dialog: its one line says what it holds now.
    await page().locator('input[type="range"]').fill('50');
    saveDialog().answer(file('ladybird for the web.jpg'));
    await saveAs.click();
    const web = async () => (await cards.first().getByTestId('job-save').allTextContents()).filter((line) => line.includes('for the web')).map((line) => line.replace(/\s+/g, ' ').trim());
    await expect.poll(web, { timeout: 60_000 }).toEqual([`Saved to ${file('ladybird for the web.jpg')} at 50 %`]);
    await page().locator('input[type="range"]').fill('70');
    expect(app().pageErrors).toEqual([]);
  });

  it('Ctrl+S, Ctrl+Shift+S, Ctrl+Enter and Ctrl+O do what Save, Save As…, Deblur and Open… do, and the buttons say so', async () => {
    expect(await button('Save').getAttribute('title')).toMatch(/\(Ctrl\+S\)$/);
    expect(await button('Save').getAttribute('aria-keyshortcuts')).toBe('Control+S');
    expect(await page().getByTestId('save-as-button').getAttribute('aria-keyshortcuts')).toBe('Control+Shift+S');
    // At 70 %, Save's own copy is still to write (the last test left it so).
    await expect.poll(() => button('Save').isEnabled()).toBe(true);
    await page().keyboard.press('Control+s');
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toBe('Saved as ladybird-unshaken-4.jpg');
    const asked = saveDialog().asked.length;
    saveDialog().answer(null);
    await page().keyboard.press('Control+Shift+S');
    await expect.poll(() => saveDialog().asked.length).toBe(asked + 1);
    await saveAsDone();
    // Nothing changed since the result: Ctrl+Enter says it is there already; Deblur again runs it.
    await page().keyboard.press('Control+Enter');
    await button('Deblur again').click();
    await expect.poll(() => page().getByTestId('job-panel').locator('li').count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => text('job-status'), { timeout: 120_000 }).toBe('Done');
    const [chooser] = await Promise.all([page().waitForEvent('filechooser'), page().keyboard.press('Control+o')]);
    expect(chooser.isMultiple()).toBe(false);
  });

  it('Ctrl+S right after a JPEG quality is typed saves at that quality; the Fine-tune panel keeps its own keys', async () => {
    const savedQuality = async () => {
      const reply = await services().dispatch('job:editor-jobs', {});
      if (!reply.ok) throw new Error(reply.error.message);
      return (reply.value as { deblurs: { saves: { quality?: number }[] }[] }).deblurs.at(-1)!.saves.at(-1)?.quality;
    };
    // At a strength not saved yet, so Save has a file to write.
    await page().locator('input[type="range"]').fill('55');
    // Still in the field, not yet committed: the key commits it first, as a click elsewhere would.
    await page().getByTestId('setting-quality').fill('20');
    await page().keyboard.press('Control+s');
    await expect.poll(() => text('job-status'), { timeout: 60_000 }).toMatch(/^Saved as /);
    expect(await savedQuality()).toBe(20);
    // Typed in the new model's name, Ctrl+Enter and Ctrl+S do nothing to the photo.
    const cards = await page().getByTestId('job-panel').locator('li').count();
    await page().getByTestId('training-name').fill('My cam');
    await page().keyboard.press('Control+Enter');
    await page().keyboard.press('Control+s');
    await expect.poll(() => pendingRequests(page())).toBe(0);
    expect(await page().getByTestId('job-panel').locator('li').count()).toBe(cards);
    expect(await page().getByTestId('training-name').inputValue()).toBe('My cam');
    await services().dispatch('settings:set', { jpegQuality: 95 });
  });

  it('ran with no page errors and no Content-Security-Policy violations', async () => {
    expect(app().pageErrors).toEqual([]);
    expect(await app().cspViolations()).toEqual([]);
  });
});
