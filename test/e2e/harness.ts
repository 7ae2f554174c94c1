import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, createServer, preview, type Connect, type Plugin } from 'vite';
import { afterAll, beforeAll, expect } from 'vitest';
import { handedOverPath } from '../../electron/common/folder-path.js';
import { CHANNEL_NAMES, ipcContract } from '../../electron/common/index.js';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import { TRAINING_ENGINE_OPTIONS } from '../../electron/main/engine/process-engine.js';
import type { ChooseSavePath } from '../../electron/main/services/save-as.js';
import { startServices, type Services } from '../../electron/main/services/start-services.js';
import { createConfSettingsStore } from '../../electron/main/settings/conf-settings.js';
import { dropFileInPage, installPreloadShim } from './page-shim.js';

/**
 * E2E harness: the real renderer (Vite dev server) in Debian Chromium, with `window.unshake`
 * bound to the real Node services. The ONLY difference from Electron: previews are served by a
 * same-origin middleware at /__unshake-image/… instead of Electron's protocol.handle for
 * unshake-image://, so image URLs in replies and job updates are rewritten on the way to the page. Both call
 * the same services.handleImageRequest.
 */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The part of the real services (what Electron's main wires to IPC) the harness drives. */
export type E2eServices = Pick<Services, 'dispatch' | 'onJobUpdate' | 'handleImageRequest' | 'grantPath' | 'onOpenRequest' | 'requestOpen'>;

const IMAGE_SCHEME = 'unshake-image://';
const IMAGE_ROUTE = '/__unshake-image/';

/** Deep-rewrites unshake-image:// URLs in a reply to the harness's same-origin route. */
export function rewriteImageUrls(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(IMAGE_SCHEME) ? IMAGE_ROUTE + value.slice(IMAGE_SCHEME.length) : value;
  if (Array.isArray(value)) return value.map(rewriteImageUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, rewriteImageUrls(inner)]));
  }
  return value;
}

function imageRoutePlugin(services: E2eServices): Plugin {
  const mount = (middlewares: Connect.Server) => {
    middlewares.use(IMAGE_ROUTE, (req, res, next) => {
      // connect strips the mount path: req.url is "/<rest>" of unshake-image://<rest>.
      const rest = (req.url ?? '/').replace(/^\//, '');
      services
        .handleImageRequest(IMAGE_SCHEME + rest)
        .then(async (response) => {
          res.statusCode = response.status;
          response.headers.forEach((value, key) => res.setHeader(key, value));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(next);
    });
  };
  return {
    name: 'unshake-e2e-image-route',
    configureServer: (server) => mount(server.middlewares),
    configurePreviewServer: (server) => mount(server.middlewares),
  };
}

export interface RendererServer {
  url: string;
  close(): Promise<void>;
}

const CONFIG_FILE = path.join(repoRoot, 'vite.config.ts');

async function serverAt(url: string | undefined, close: () => Promise<void>): Promise<RendererServer> {
  if (!url) {
    await close();
    throw new Error('Vite started without a local URL');
  }
  return { url, close };
}

/** The renderer as `npm run dev` serves it (dev CSP: see renderer/vite-dev-csp.ts). */
export async function startRendererServer(services: E2eServices): Promise<RendererServer> {
  // A dependency cache of its own: test files run in parallel, and a server starting while another
  // rewrote the shared node_modules/.vite could serve the page stale deps (a page that never loaded).
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'unshake-e2e-vite-'));
  const server = await createServer({
    configFile: CONFIG_FILE,
    cacheDir,
    server: { port: 0, strictPort: false, host: '127.0.0.1' },
    plugins: [imageRoutePlugin(services)],
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  return serverAt(server.resolvedUrls?.local[0], async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });
}

/** The production build (exact CSP, linked CSS), built into outDir and served by `vite preview`. */
export async function startBuiltRenderer(services: E2eServices, outDir: string): Promise<RendererServer> {
  await build({ configFile: CONFIG_FILE, build: { outDir, emptyOutDir: true }, logLevel: 'warn', clearScreen: false });
  const server = await preview({
    configFile: CONFIG_FILE,
    build: { outDir },
    preview: { port: 0, strictPort: false, host: '127.0.0.1' },
    plugins: [imageRoutePlugin(services)],
    logLevel: 'warn',
    clearScreen: false,
  });
  return serverAt(server.resolvedUrls?.local[0], () => server.close());
}

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

/**
 * Installs a copy of the bundled placeholder generator as a user model in `userDataDir`: a second
 * model to pick that deblurs in milliseconds. Returns its folder.
 */
export async function installModelCopy(userDataDir: string, id: string, name: string): Promise<string> {
  const weights = path.join(repoRoot, 'model', 'weights');
  const dir = path.join(userDataDir, 'models', id);
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(weights, 'placeholder.onnx'), path.join(dir, `${id}.onnx`));
  const manifest = JSON.parse(await readFile(path.join(weights, 'placeholder.manifest.json'), 'utf8')) as object;
  await writeFile(path.join(dir, `${id}.manifest.json`), JSON.stringify({ ...manifest, id, name, file: `${id}.onnx`, placeholder: false }));
  return dir;
}

/** The focused element's data-testid (else its tag name): where a keyboard user is now. */
export function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null; tagName: string } | null } }).document.activeElement;
    return active ? (active.getAttribute('data-testid') ?? active.tagName.toLowerCase()) : null;
  });
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

/**
 * The system's save dialog, answered by the test for the user (Electron's dialog is main's, out
 * of the page's reach): each Save As… takes the next answer, a path or null for Cancel.
 */
function answeredSaveDialog(): { choose: ChooseSavePath; answer(path: string | null): void; asked: Parameters<ChooseSavePath>[0][] } {
  const answers: (string | null)[] = [];
  const asked: Parameters<ChooseSavePath>[0][] = [];
  return {
    choose: async (request) => {
      asked.push(request);
      if (answers.length === 0) throw new Error('Save As… opened the save dialog, but the test gave it no answer');
      return answers.shift()!;
    },
    answer: (path) => answers.push(path),
    asked,
  };
}

/** One e2e session: real services over a real engine process, the renderer, Chromium, the page. */
export interface E2eSession {
  services: Services;
  app: AppPage;
  /** What the save dialog answers next (a path, or null: cancelled), and what it was asked. */
  saveDialog: { answer(path: string | null): void; asked: Parameters<ChooseSavePath>[0][] };
  close(): Promise<void>;
}

/**
 * Starts an e2e session on `userDataDir`. `wrap` lets a test put itself between the page and
 * the services (e.g. to hold a reply back); the services themselves stay the real ones.
 */
export async function startE2eSession(userDataDir: string, wrap: (services: Services) => E2eServices = (s) => s): Promise<E2eSession> {
  const saveDialog = answeredSaveDialog();
  const services = await startServices({
    userDataDir,
    engine: createChildProcessEngine(),
    trainingEngine: createChildProcessEngine(TRAINING_ENGINE_OPTIONS),
    imagingEngine: createChildProcessEngine(),
    settings: createConfSettingsStore(userDataDir),
    appVersion: '0.0.0-e2e',
    chooseSavePath: saveDialog.choose,
  });
  const facing = wrap(services);
  const server = await startRendererServer(facing);
  const browser = await launchChromium();
  const app = await openApp(browser, server.url, facing);
  return {
    services,
    app,
    saveDialog: { answer: saveDialog.answer, asked: saveDialog.asked },
    close: async () => {
      await app.close();
      await browser.close();
      await server.close();
      await services.close();
    },
  };
}

/** What a test file's e2e session gives its tests. */
export interface E2eWorkspace {
  /** A path in the file's own temp folder (removed afterwards). */
  file(name: string): string;
  page(): Page;
  app(): AppPage;
  services(): Services;
  saveDialog(): E2eSession['saveDialog'];
}

/**
 * One session for a whole test file: a temp folder that `prepare` fills with photos, the real
 * services on its user-data folder, the renderer in Chromium; all torn down after the file.
 */
export function useE2eSession(prefix: string, prepare: (file: (name: string) => string) => Promise<void> = async () => {}): E2eWorkspace {
  let workDir = '';
  let session: E2eSession | undefined;
  const file = (name: string) => path.join(workDir, name);
  const started = (): E2eSession => {
    if (!session) throw new Error('the e2e session did not start');
    return session;
  };
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), `unshake-e2e-${prefix}-`));
    await prepare(file);
    await mkdir(file('user-data'), { recursive: true });
    session = await startE2eSession(file('user-data'));
  });
  afterAll(async () => {
    await session?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });
  return { file, page: () => started().app.page, app: () => started().app, services: () => started().services, saveDialog: () => started().saveDialog };
}

/** Drops several folders at once (two memory cards), as Chromium hands them over: empty Files. */
export async function dropFolders(page: Page, selector: string, folderPaths: readonly string[]): Promise<void> {
  type DropWindow = {
    document: { querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null };
    DataTransfer: new () => { items: { add(file: unknown): void } };
    File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
    DragEvent: new (type: string, init: object) => unknown;
    __unshakeAttachPath(name: string, path: string): void;
  };
  const folders = folderPaths.map((p) => ({ name: path.basename(p), path: p }));
  await page.evaluate(
    ({ selector, folders }) => {
      const w = globalThis as unknown as DropWindow;
      const transfer = new w.DataTransfer();
      for (const folder of folders) {
        transfer.items.add(new w.File([], folder.name, { type: '' }));
        w.__unshakeAttachPath(folder.name, folder.path);
      }
      const target = w.document.querySelector(selector);
      for (const type of ['dragenter', 'dragover', 'drop']) target?.dispatchEvent(new w.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    },
    { selector, folders },
  );
}
