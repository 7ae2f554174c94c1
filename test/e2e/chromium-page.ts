import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { handedOverPath } from '../../electron/common/folder-path.js';
import { CHANNEL_NAMES, ipcContract } from '../../electron/common/index.js';
import { rewriteImageUrls, type E2eServices } from './image-route.js';
import { dropFileInPage, installPreloadShim } from './page-shim.js';

/** Chromium and the app's page: launching it, opening the renderer on the services, what tests do in it. */

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Debian Chromium, never a downloaded browser; a missing one fails loudly with the fix. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Debian Chromium is missing at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\`.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface AppPage {
  page: Page;
  /** Uncaught errors thrown in the page so far. */
  pageErrors: string[];
  /** CSP violations the page reported so far ("directive blocked-uri source:line"). */
  cspViolations(): Promise<string[]>;
  /** How often the page asked to drop decoded images it no longer shows (releaseImageMemory). */
  imageMemoryReleases(): number;
  close(): Promise<void>;
}

/** Opens the renderer with the preload API bound to the services, as Electron's preload would. */
export async function openApp(browser: Browser, url: string, services: E2eServices): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Arm file-chooser interception now, long before any click: a waitForEvent('filechooser') only
  // arms it as the click is sent, and a picker the page opens first is cancelled by headless
  // Chromium and never reported (puppeteer/puppeteer#6040; seen once in CI).
  page.on('filechooser', () => {});
  await page.exposeBinding('__unshakeDispatch', async (_source, channel: string, payload: unknown) =>
    rewriteImageUrls(await services.dispatch(channel, payload)),
  );
  // The preload's GRANT_PATH_EVENT: bindings run in the order the page calls them, as Electron's
  // IPC messages do, so a grant is in before the request that names the path.
  await page.exposeBinding('__unshakeGrantPath', (_source, fullPath: string, relativePath: string) => services.grantPath(handedOverPath(fullPath, relativePath)));
  // The preload's webFrame.clearCache() signals critical memory pressure inside the renderer;
  // DevTools' Memory domain sends the page's renderer the same signal.
  const devtools = await context.newCDPSession(page);
  let releases = 0;
  await page.exposeBinding('__unshakeReleaseImageMemory', async () => {
    releases += 1;
    await devtools.send('Memory.simulatePressureNotification', { level: 'critical' });
  });
  const channels = CHANNEL_NAMES.map((name): [string, string] => [name, ipcContract[name].channel]);
  await page.addInitScript(installPreloadShim, channels);
  // Main pushes JOB_UPDATE to the window; here each update is delivered by evaluating in the page
  // (rewritten like replies: a finished job's snapshot carries its result preview URL).
  const unsubscribe = services.onJobUpdate((job) => {
    const snapshot = rewriteImageUrls(job);
    page.evaluate((update) => (globalThis as { __unshakeJobUpdate?: (job: unknown) => void }).__unshakeJobUpdate?.(update), snapshot).catch(() => {
      // The page may already be closing; a lost update then matters to no one.
    });
  });
  // OPEN_REQUEST_EVENT, as main sends it to the window.
  const unsubscribeOpen = services.onOpenRequest(() => {
    page.evaluate(() => (globalThis as { __unshakeOpenRequest?: () => void }).__unshakeOpenRequest?.()).catch(() => {});
  });
  await page.goto(url);
  return {
    page,
    pageErrors,
    cspViolations: () => page.evaluate(() => [...((globalThis as { __unshakeCspViolations?: string[] }).__unshakeCspViolations ?? [])]),
    imageMemoryReleases: () => releases,
    close: async () => {
      unsubscribe();
      unsubscribeOpen();
      await context.close();
    },
  };
}

/**
 * Waits until the window has loaded: the engine's info is shown (the first request starts the
 * engine process, which can take a minute beside another test file's work) and the model list
 * has come (a request of its own, which may answer later).
 */
export async function appLoaded(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('status-bar').textContent(), { timeout: 90_000 }).toContain('onnxruntime');
  await expect.poll(() => page.locator('header select option').first().textContent(), { timeout: 90_000 }).not.toMatch(/^(No models installed|Loading models…)$/);
}

/** The focused element's data-testid (else its tag name): where a keyboard user is now. */
export function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null; tagName: string } | null } }).document.activeElement;
    return active ? (active.getAttribute('data-testid') ?? active.tagName.toLowerCase()) : null;
  });
}

/** The window gets the focus back, as after a visit to a file manager or a terminal: what it checks then runs. */
export async function refocus(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { dispatchEvent(event: Event): boolean }).dispatchEvent(new Event('focus')));
}

/** How many of the page's requests to main are still unanswered (0: it has handled every reply). */
export function pendingRequests(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as { __unshakePendingRequests?: () => number }).__unshakePendingRequests?.() ?? 0);
}

/** Tells the page's pathForFile where a File with this name lives, as Electron's webUtils would. */
export async function attachPath(page: Page, filePath: string): Promise<void> {
  await page.evaluate(
    ([name, full]) => (globalThis as { __unshakeAttachPath?: (fileName: string, path: string) => void }).__unshakeAttachPath?.(name, full),
    [path.basename(filePath), filePath] as const,
  );
}

/** Drops the file at `filePath` onto `selector` with a real DragEvent carrying a page-built File. */
export async function dropFile(page: Page, selector: string, filePath: string, mimeType: string): Promise<void> {
  const base64 = (await readFile(filePath)).toString('base64');
  await page.evaluate(dropFileInPage, { selector, fileName: path.basename(filePath), mimeType, base64, path: filePath });
}

/** Drops the folder at `folderPath` as Chromium hands one over: a File of 0 bytes with no type. */
export async function dropFolder(page: Page, selector: string, folderPath: string): Promise<void> {
  await page.evaluate(dropFileInPage, { selector, fileName: path.basename(folderPath), mimeType: '', base64: '', path: folderPath });
}

/** Drops several folders at once (two memory cards), as Chromium hands them over: empty Files; `times` drops in one task, before any answer. */
export async function dropFolders(page: Page, selector: string, folderPaths: readonly string[], times = 1): Promise<void> {
  type DropWindow = {
    document: { querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null };
    DataTransfer: new () => { items: { add(file: unknown): void } };
    File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
    DragEvent: new (type: string, init: object) => unknown;
    __unshakeAttachPath(name: string, path: string): void;
    __unshakeAttachFile(file: unknown, path: string): void;
  };
  const folders = folderPaths.map((p) => ({ name: path.basename(p), path: p }));
  await page.evaluate(
    ({ selector, folders, times }) => {
      const w = globalThis as unknown as DropWindow;
      const transfer = new w.DataTransfer();
      for (const folder of folders) {
        const file = new w.File([], folder.name, { type: '' });
        transfer.items.add(file);
        // By the File, not its name: card1/DCIM/100CANON and card2/DCIM/100CANON are two drops.
        w.__unshakeAttachFile(file, folder.path);
        w.__unshakeAttachPath(folder.name, folder.path);
      }
      const target = w.document.querySelector(selector);
      for (let n = 0; n < times; n++) {
        for (const type of ['dragenter', 'dragover', 'drop']) target?.dispatchEvent(new w.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }
    },
    { selector, folders, times },
  );
}
