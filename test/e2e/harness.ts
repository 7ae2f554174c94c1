import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import { TRAINING_ENGINE_OPTIONS } from '../../electron/main/engine/process-engine.js';
import type { ChooseSavePath } from '../../electron/main/services/save-as.js';
import { startServices, type Services, type StartServicesOptions } from '../../electron/main/services/start-services.js';
import { createConfSettingsStore } from '../../electron/main/settings/conf-settings.js';
import { appLoaded, launchChromium, openApp, type AppPage } from './chromium-page.js';
import type { E2eServices } from './image-route.js';
import { startRendererServer } from './renderer-servers.js';

/**
 * E2E harness: the real renderer (Vite dev server) in Debian Chromium, with `window.unshake`
 * bound to the real Node services. The ONLY difference from Electron: previews are served by a
 * same-origin middleware at /__unshake-image/… instead of Electron's protocol.handle for
 * unshake-image://, so image URLs in replies and job updates are rewritten on the way to the page. Both call
 * the same services.handleImageRequest. This file sets the services up for a session; the route is
 * image-route.ts, the Vite servers renderer-servers.ts, Chromium and the page chromium-page.ts.
 */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
  /** Import model…'s folder dialog: the folders it answers, in turn (none left: cancelled); and the folders Show models folder opened. */
  modelFolders: { answers: string[]; opened: string[] };
  close(): Promise<void>;
}

/**
 * Starts an e2e session on `userDataDir`. `wrap` lets a test put itself between the page and
 * the services (e.g. to hold a reply back); the services themselves stay the real ones.
 */
/** `options`: the services' own limits a test may lower (maxPreviewBytes: previews let go sooner). */
export async function startE2eSession(userDataDir: string, wrap: (services: Services) => E2eServices = (s) => s, options: Pick<StartServicesOptions, 'maxPreviewBytes'> = {}): Promise<E2eSession> {
  const saveDialog = answeredSaveDialog();
  const modelFolders = { answers: [] as string[], opened: [] as string[] };
  const services = await startServices({
    userDataDir,
    engine: createChildProcessEngine(),
    trainingEngine: createChildProcessEngine(TRAINING_ENGINE_OPTIONS),
    imagingEngine: createChildProcessEngine(),
    settings: createConfSettingsStore(userDataDir),
    appVersion: '0.0.0-e2e',
    chooseSavePath: saveDialog.choose,
    chooseModelFolder: async () => modelFolders.answers.shift() ?? null,
    openFolder: async (folder) => void modelFolders.opened.push(folder),
    ...options,
  });
  const facing = wrap(services);
  const server = await startRendererServer(facing);
  const browser = await launchChromium();
  const app = await openApp(browser, server.url, facing);
  return {
    services,
    app,
    saveDialog: { answer: saveDialog.answer, asked: saveDialog.asked },
    modelFolders,
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

/**
 * For a test file whose tests start the app themselves, often more than once on the same user-data
 * folder (what a start finds there is the point): `restart` closes the session there is and starts
 * another, its window loaded. The temp folder and the last session go after the file.
 */
export function useRestartedSessions(prefix: string): { file(name: string): string; restart(): Promise<Page>; session(): E2eSession } {
  let workDir = '';
  let current: E2eSession | undefined;
  const file = (name: string) => path.join(workDir, name);
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), `unshake-e2e-${prefix}-`));
  });
  afterAll(async () => {
    await current?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });
  const restart = async () => {
    await current?.close();
    current = await startE2eSession(file('user-data'));
    await appLoaded(current.app.page);
    return current.app.page;
  };
  const session = () => {
    if (!current) throw new Error('no e2e session started yet');
    return current;
  };
  return { file, restart, session };
}
