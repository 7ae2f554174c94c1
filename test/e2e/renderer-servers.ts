import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, preview } from 'vite';
import { imageRoutePlugin, type E2eServices } from './image-route.js';

/** The renderer served to Chromium: the dev server, or the production build under `vite preview`. */
export interface RendererServer {
  url: string;
  close(): Promise<void>;
}

// The repository's config (harness.ts's repoRoot is not imported: harness.ts imports this file).
const CONFIG_FILE = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));

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
