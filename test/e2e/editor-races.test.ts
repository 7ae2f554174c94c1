import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../electron/main/services/start-services.js';
import { appLoaded, dropFile, dropFolder, focusedTestId, pendingRequests, type AppPage } from './chromium-page.js';
import { repoRoot, startE2eSession, type E2eSession } from './harness.js';

/**
 * The editor when a person is faster than main: double clicks, a Deblur or Save still on its
 * way, a second photo dropped before the first has opened or finished deblurring. The real
 * services and engine answer; the test only holds some replies back, to put them in a known
 * order, and asserts the state once the page has handled every reply (never after a sleep).
 */

const DATA = path.resolve(repoRoot, '../shared/data/gopro-official');
const CANVAS = '[data-testid="canvas"]';
/** Registry size in main (createImageRegistry): opening this many more forgets an image. */
const OPEN_IMAGES_KEPT = 200;

type Hold = { channel: string; matches: (payload: unknown) => boolean; released: Promise<void> };

describe('editor races in Chromium with the real services', () => {
  let workDir = '';
  const file = (name: string) => path.join(workDir, name);
  let real: Services | undefined;
  let session: E2eSession | undefined;
  let app: AppPage | undefined;
  const holds = new Set<Hold>();

  /** Holds the replies on `channel` (for payloads that match) until the returned release is called. */
  function holdReplies(channel: string, matches: (payload: unknown) => boolean = () => true): () => void {
    let release = () => {};
    const hold = { channel, matches, released: new Promise<void>((resolve) => (release = resolve)) };
    holds.add(hold);
    return () => {
      holds.delete(hold);
      release();
    };
  }
  const forPath = (name: string) => (payload: unknown) => (payload as { path?: string }).path === file(name);

  const page = (): Page => {
    if (!app) throw new Error('the app page did not open');
    return app.page;
  };
  const text = (testId: string) => page().getByTestId(testId).textContent({ timeout: 5_000 });
  const button = (name: string) => page().getByRole('button', { name, exact: true });
  const deblurButton = () => page().locator('header button.primary');
  const saveButton = () => page().getByRole('button', { name: /^Sav(e|ing…)$/ });
  const banners = () => page().getByTestId('error-banner').count();
  const openingNotes = () => page().getByRole('status').filter({ hasText: 'Opening…' }).count();
  const jobItems = () => page().locator('[data-testid="job-panel"] li');
  /** The newest job in the panel (it lists newest first). */
  const newestJobStatus = () => jobItems().first().getAttribute('data-status');
  const drop = (name: string, type = 'image/png') => dropFile(page(), CANVAS, file(name), type);
  /** Resolves once the page has had, and handled, the reply to every request it made. */
  const settled = () => expect.poll(() => pendingRequests(page())).toBe(0);
  /** An open can wait seconds on a busy engine (beside a big deblur, or with the whole suite running). */
  const opened = async (name: string, timeout = 60_000) => {
    await expect.poll(() => text('meta-file'), { timeout }).toBe(name);
    await expect.poll(() => deblurButton().isEnabled()).toBe(true);
  };

  beforeAll(async () => {
    const flower = path.join(DATA, 'Flower_blur1.png');
    const istanbul = path.join(DATA, 'Istanbul_blur1.png');
    if (!existsSync(flower) || !existsSync(istanbul)) {
      throw new Error(`Test photos missing in ${DATA}. Fetch the shared data set (../shared/data/fetch-photos.sh).`);
    }
    workDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-races-'));
    // Small photos deblur in well under a second. The big one (52 MP) takes about 45 s alone
    // here, while opening another photo beside it takes 3-9 s (more under load): its job is
    // still running when the test acts on it, and is cancelled then, so the tests never wait it out.
    await sharp(flower).resize(320, 180).png().toFile(file('flower.png'));
    await sharp(istanbul).resize(320, 180).png().toFile(file('istanbul.png'));
    await sharp(flower).resize(9600, 5400).jpeg({ quality: 70 }).toFile(file('big.jpg'));
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } }).png().toFile(file('tiny.png'));
    await writeFile(file('notes.txt'), 'not a photo\n');
    const userDataDir = file('user-data');
    await mkdir(userDataDir);
    session = await startE2eSession(userDataDir, (main) => ({
      // Main does the work at once; only the reply waits while a hold matches.
      dispatch: async (channel, payload) => {
        const reply = await main.dispatch(channel, payload);
        for (const hold of [...holds]) if (hold.channel === channel && hold.matches(payload)) await hold.released;
        return reply;
      },
      onJobUpdate: main.onJobUpdate,
      handleImageRequest: main.handleImageRequest,
      grantPath: main.grantPath,
      requestOpen: main.requestOpen,
      onOpenRequest: main.onOpenRequest,
    }));
    real = session.services;
    app = session.app;
  });

  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('a photo that opens dismisses the error banner of the file before', async () => {
    // The first appInfo starts the engine process, which takes a few seconds on a cold machine.
    await appLoaded(page());
    await drop('notes.txt', 'text/plain');
    await expect.poll(() => text('error-code')).toBe('UNSUPPORTED_FORMAT');
    await drop('flower.png');
    await opened('flower.png');
    expect(await banners()).toBe(0);
  });

  it('a double click on Deblur starts one job, and starting it dismisses the banner', async () => {
    await drop('notes.txt', 'text/plain');
    await expect.poll(() => banners()).toBe(1);
    // Both clicks in one task, before the page can re-render the button as disabled.
    await deblurButton().evaluate((element) => {
      const deblur = element as unknown as { click(): void };
      deblur.click();
      deblur.click();
    });
    await expect.poll(() => text('job-status'), { timeout: 30_000 }).toBe('Done');
    await settled();
    expect(await jobItems().count()).toBe(1);
    expect(await banners()).toBe(0);
  });

  it('Deblur, and the note’s Deblur again, are disabled while a Save runs, and the save is recorded for its result', async () => {
    // Nothing changed since the result: Deblur offers Deblur again.
    await deblurButton().click();
    const again = page().getByTestId('deblur-again');
    await expect.poll(() => again.count()).toBe(1);
    const release = holdReplies('job:save');
    try {
      await saveButton().click();
      await expect.poll(() => saveButton().textContent()).toContain('Saving…');
      expect(await deblurButton().isDisabled()).toBe(true);
      // It would do nothing until the file is written: it says so, as Deblur does.
      expect(await again.getAttribute('aria-disabled')).toBe('true');
    } finally {
      release();
    }
    await expect.poll(() => text('saved-path')).toBe(file('flower-unshaken.png'));
    expect(await saveButton().isDisabled()).toBe(true);
    expect(await deblurButton().isEnabled()).toBe(true);
    expect(await again.getAttribute('aria-disabled')).toBeNull();
  });

  it('a Deblur request that fails leaves the saved result saved', async () => {
    // Main forgets the oldest open image once enough others are opened (as a long batch would).
    if (!real) throw new Error('the services did not start');
    real.grantPath(file('tiny.png'));
    for (let i = 0; i < OPEN_IMAGES_KEPT; i++) await real.dispatch('image:open', { path: file('tiny.png') });
    // The photo forgotten, its result file goes too: nothing left to save, so Deblur asks main at once.
    await expect.poll(() => page().getByText('Result no longer kept: deblur the photo again to save it').count()).toBeGreaterThan(0);
    await deblurButton().click();
    await expect.poll(() => text('error-code')).toBe('IMAGE_NOT_OPEN');
    await settled();
    expect(await saveButton().isDisabled()).toBe(true);
    expect(await text('saved-path')).toBe(file('flower-unshaken.png'));
  });

  it('of two overlapping opens the later one wins, however slow the earlier one is', async () => {
    // The earlier open answers last.
    const releaseFlower = holdReplies('image:open', forPath('flower.png'));
    try {
      await drop('flower.png');
      await drop('istanbul.png');
      await opened('istanbul.png');
    } finally {
      releaseFlower();
    }
    await settled();
    expect(await text('meta-file')).toBe('istanbul.png');

    // The earlier open answers first: it neither shows its photo nor ends "Opening…". Both are
    // held until both were dropped (a busy machine could answer the first before the second drop).
    const releaseIstanbul = holdReplies('image:open', forPath('istanbul.png'));
    const releaseEarlier = holdReplies('image:open', forPath('flower.png'));
    try {
      await drop('flower.png');
      await drop('istanbul.png');
      await expect.poll(() => pendingRequests(page())).toBe(2);
      releaseEarlier();
      await expect.poll(() => pendingRequests(page())).toBe(1);
      expect(await text('meta-file')).toBe('istanbul.png');
      expect(await openingNotes()).toBe(1);
    } finally {
      releaseEarlier();
      releaseIstanbul();
    }
    await settled();
    expect(await openingNotes()).toBe(0);
    await opened('istanbul.png');
  });

  it('opening another photo leaves the one before deblurring, on its card, where Show brings it back', async () => {
    await drop('big.jpg', 'image/jpeg');
    await opened('big.jpg', 60_000);
    await deblurButton().click();
    await expect.poll(() => button('Cancel').isVisible()).toBe(true);

    await drop('flower.png');
    await opened('flower.png', 60_000);
    // Nothing of the big photo's job over the new photo, but its card goes on with Show and Cancel.
    expect(await page().getByTestId('job-status').count()).toBe(0);
    expect(await newestJobStatus()).toMatch(/queued|running/);
    expect(await button('Cancel the deblur of big.jpg').isVisible()).toBe(true);

    // The new photo's deblur waits for the one running.
    await deblurButton().click();
    await expect.poll(() => text('job-status')).toBe('Waiting for big.jpg to finish…');
    expect(await deblurButton().textContent()).toMatch(/^\s*Waiting…\s*$/);
    expect(await newestJobStatus()).toBe('queued');

    // Show brings the big photo back with its progress and the status bar's Cancel; the flower's
    // job, now another photo's, waits on its own card.
    await button('Show big.jpg and its progress').click();
    await expect.poll(() => text('meta-file')).toBe('big.jpg');
    await expect.poll(() => text('job-status')).toMatch(/%$/);
    // Show is gone with its photo back: the focus is on what can be done now, stopping it.
    await expect.poll(() => focusedTestId(page())).toBe('status-cancel');
    expect(await button('Cancel the deblur of flower.png').isVisible()).toBe(true);
    await button('Cancel').click();
    await expect.poll(() => jobItems().nth(1).getAttribute('data-status')).toBe('cancelled');

    // With the engine free, the flower's deblur runs, and its card's Show brings its result.
    await expect.poll(() => newestJobStatus(), { timeout: 30_000 }).toBe('done');
    await jobItems().first().getByRole('button', { name: 'Show flower.png and its result' }).click();
    await expect.poll(() => text('job-status')).toBe('Done');
    await settled();
    expect(await text('meta-file')).toBe('flower.png');
    expect(await banners()).toBe(0);
    // Each card names its photo, and an earlier photo's card still says where it was saved.
    const cards = (await jobItems().allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(cards[0]).toMatch(/^Deblur\s*· flower\.png/);
    expect(cards[1]).toMatch(/^Deblur\s*· big\.jpg/);
    expect(cards.some((t) => t.includes(`Saved to ${file('flower-unshaken.png')}`))).toBe(true);
  });

  it('a photo opened while the Deblur request is on its way leaves that job to its card, which can cancel it', async () => {
    await drop('big.jpg', 'image/jpeg');
    await opened('big.jpg', 60_000);
    const releaseDeblur = holdReplies('job:deblur');
    try {
      await deblurButton().click();
      await expect.poll(() => newestJobStatus()).toMatch(/queued|running/);
      await drop('flower.png');
      await expect.poll(() => text('meta-file'), { timeout: 60_000 }).toBe('flower.png');
    } finally {
      releaseDeblur();
    }
    await settled();
    expect(await page().getByTestId('job-status').count()).toBe(0);
    expect(await newestJobStatus()).toMatch(/queued|running/);
    const cancelBig = button('Cancel the deblur of big.jpg');
    await cancelBig.click();
    await expect.poll(() => newestJobStatus(), { timeout: 30_000 }).toBe('cancelled');
    // The card's Cancel is gone with the job: the focus goes on to the photo on screen's Deblur.
    expect(await cancelBig.count()).toBe(0);
    await expect.poll(() => focusedTestId(page())).toBe('deblur-button');
    await expect.poll(() => deblurButton().isEnabled()).toBe(true);
  });

  it('a folder dropped while the window is still loading waits for the model list and settings', async () => {
    await mkdir(file('card'));
    await sharp(file('flower.png')).jpeg().toFile(file('card/flower.jpg'));
    const releaseModels = holdReplies('models:list');
    const releaseSettings = holdReplies('settings:get');
    try {
      await page().reload();
      await expect.poll(() => text('status-bar'), { timeout: 90_000 }).toContain('onnxruntime');
      await dropFolder(page(), CANVAS, file('card'));
      // Nothing to run with yet: no batch, and no error either.
      expect(await page().getByTestId('batch-summary').count()).toBe(0);
      expect(await banners()).toBe(0);
    } finally {
      releaseModels();
      releaseSettings();
    }
    await expect.poll(() => page().getByTestId('batch-summary').allTextContents(), { timeout: 60_000 }).toEqual(['1 done']);
    expect(await page().getByTestId('batch-run').locator('.count').textContent()).toBe('1 photo');
    expect(existsSync(file('card/flower-unshaken.jpg'))).toBe(true);
    expect(await banners()).toBe(0);
  });

  it('ran with no page errors', () => {
    expect(app?.pageErrors).toEqual([]);
  });
});
