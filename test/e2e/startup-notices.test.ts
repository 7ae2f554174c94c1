import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appLoaded, focusedTestId } from './chromium-page.js';
import { installModelCopy, startE2eSession, type E2eSession } from './harness.js';

/**
 * What the window tells without being asked, in Chromium with the real services: two notices at
 * start (a settings file and a journal line set aside) are both shown, each dismissed on its own,
 * from the keyboard too; and the reasons the status bar and Your models used to keep in tooltips
 * are reached by keyboard and read by screen readers.
 */
const FINE_TUNE_NOTE = 'PSNR on its own training photos 27.10 dB → 27.90 dB: not held out, so not a fair test.';

describe('notices and reasons a user is told', () => {
  let workDir = '';
  let session: E2eSession | undefined;
  const page = (): Page => session!.app.page;
  const banners = () => page().getByTestId('error-banner').locator('.message').allTextContents();

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-notices-'));
    const userData = path.join(workDir, 'user-data');
    await mkdir(userData);
    // Both at one start: settings that are not JSON, and a batch line from a version that named its model otherwise.
    await writeFile(path.join(userData, 'settings.json'), '{ this is not json');
    const batch = { runId: 'batch_00000000wedding', title: 'wedding', paths: [path.join(workDir, 'wedding')], strength: 1, model: 'placeholder', settings: {}, photos: 12, alreadyDone: 0, queued: 12, startedAt: 1 };
    await writeFile(path.join(userData, 'jobs.jsonl'), `${JSON.stringify({ batch })}\n`);
    // A fine-tune whose scores come from its own training photos: its description says so.
    const dir = await installModelCopy(userData, 'street', 'Street shots');
    const manifestFile = path.join(dir, 'street.manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestFile, JSON.stringify({ ...manifest, description: `Fine-tuned from Unshake base on 1 pair for 300 steps. ${FINE_TUNE_NOTE}` }));
    // This machine has no graphics card: main's answer says what it says after one ran out of memory.
    session = await startE2eSession(userData, (main) => ({
      dispatch: async (channel, payload) => {
        const reply = await main.dispatch(channel, payload);
        if (channel !== 'app:info' || !reply.ok) return reply;
        const tried = [
          { name: 'cuda', ok: false, reason: 'out of GPU memory partway through ladybird.jpg; finished on the processor' },
          { name: 'cpu', ok: true, reason: null },
        ];
        return { ...reply, value: { ...(reply.value as object), executionProvider: { active: 'cpu', tried } } };
      },
      onJobUpdate: main.onJobUpdate,
      handleImageRequest: main.handleImageRequest,
      grantPath: main.grantPath,
      requestOpen: main.requestOpen,
      onOpenRequest: main.onOpenRequest,
    }));
  });
  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('two notices at start are both shown; Escape dismisses the focused one and the focus goes to the next', async () => {
    await appLoaded(page());
    await expect.poll(async () => (await banners()).length, { timeout: 30_000 }).toBe(2);
    const [first, second] = await banners();
    expect([first, second].join('\n')).toMatch(/started with the default settings\. Your file was kept as .*settings\.corrupt-.*\.json/);
    expect([first, second].join('\n')).toContain('Unshake could not read the interrupted batch from wedding in its job journal');
    // Each was handed out once: it is in the window, nowhere else.
    expect(await session!.services.dispatch('settings:notice', {})).toEqual({ ok: true, value: { notice: null } });
    // Each is its own alert, its Dismiss described by its message.
    expect(await page().getByRole('alert').count()).toBe(2);
    const dismiss = page().getByRole('button', { name: 'Dismiss error' });
    expect(await dismiss.first().getAttribute('aria-keyshortcuts')).toBe('Escape');

    await page().getByTestId('open-button').focus();
    await dismiss.first().focus();
    await page().keyboard.press('Escape');
    await expect.poll(banners).toEqual([second]);
    // On to the next banner's Dismiss, as a removed card hands on to the next card's button.
    expect(await page().evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('aria-label'))).toBe('Dismiss error');
    await page().keyboard.press('Escape');
    await expect.poll(banners).toEqual([]);
    // The last one gone: back to where the focus was before.
    expect(await focusedTestId(page())).toBe('open-button');
  });

  it('the same error twice is shown once; another is shown beside it, not instead of it', async () => {
    const quality = page().getByTestId('setting-quality');
    for (const value of ['500', '600']) {
      await quality.fill(value);
      await quality.press('Tab');
    }
    await expect.poll(banners).toEqual(['JPEG / WebP quality must be a whole number from 1 to 100.']);
    await page().getByTestId('setting-default-strength').fill('150');
    await page().getByTestId('setting-default-strength').press('Tab');
    await expect.poll(banners).toEqual(['JPEG / WebP quality must be a whole number from 1 to 100.', 'The strength at start must be a whole number from 0 to 100.']);
  });

  it('many at once in a small window: the newest is scrolled to, they are counted, and Dismiss all clears them', async () => {
    const size = page().viewportSize()!;
    await page().setViewportSize({ width: 900, height: 600 });
    for (const [testId, value] of [['setting-quality', '0'], ['setting-max-megapixels', '5000'], ['setting-output-suffix', '-2']] as const) {
      await page().getByTestId(testId).fill(value);
      await page().getByTestId(testId).press('Tab');
    }
    // Quality's words again (the test before left them): still one banner.
    await expect.poll(async () => (await banners()).length).toBe(4);
    expect(await page().getByTestId('error-summary').textContent()).toContain('4 messages');
    // The last one raised (the ending) is in sight within the stack, not below its fold.
    const inSight = () =>
      page().evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number } } | null; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { top: number; bottom: number } }> } }).document;
        const stack = doc.querySelector('.banners')!.getBoundingClientRect();
        const all = doc.querySelectorAll('[data-testid="error-banner"]');
        const last = all[all.length - 1]!.getBoundingClientRect();
        return last.top >= stack.top && last.bottom <= stack.bottom + 1;
      });
    await expect.poll(inSight).toBe(true);
    expect((await banners()).at(-1)).toContain('The result name ending must be');
    await page().getByTestId('dismiss-all-errors').click();
    await expect.poll(banners).toEqual([]);
    expect(await page().getByTestId('error-summary').count()).toBe(0);
    await page().setViewportSize(size);
  });

  it('why deblurring left the graphics card is reached by keyboard and read, not only a tooltip', async () => {
    const why = page().getByRole('button', { name: 'Why not CUDA?' });
    await expect.poll(() => why.count(), { timeout: 30_000 }).toBe(1);
    expect(await page().getByTestId('execution-provider').textContent()).toBe('CPU');
    const reason = 'CUDA: out of GPU memory partway through ladybird.jpg; finished on the processor.';
    // Read on focus (its description), shown on a press, put away with Escape.
    const describedBy = await why.getAttribute('aria-describedby');
    expect(await page().locator(`#${describedBy}`).textContent()).toBe(reason);
    expect(await page().getByTestId('provider-why').isVisible()).toBe(false);
    await why.focus();
    await page().keyboard.press('Enter');
    expect(await why.getAttribute('aria-expanded')).toBe('true');
    expect(await page().getByTestId('provider-why').isVisible()).toBe(true);
    await page().keyboard.press('Escape');
    expect(await page().getByTestId('provider-why').isVisible()).toBe(false);
    expect(await page().locator('[data-testid="status-bar"] [title]').count()).toBe(0);
  });

  it('a fine-tune’s description, with its “not a fair test”, is shown in Your models, not kept in a tooltip', async () => {
    const card = page().getByTestId('user-model').filter({ hasText: 'Street shots' });
    expect(await card.getByTestId('user-model-description').textContent()).toContain(FINE_TUNE_NOTE);
    expect(await card.getByTestId('user-model-description').isVisible()).toBe(true);
    expect(await card.locator('[title]').count()).toBe(0);
  });
});
