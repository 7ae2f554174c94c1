#!/usr/bin/env node
// `npm run dev`: the renderer on Vite's dev server, plus Electron when its binary is installed
// (it is skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1, and then only the browser URL is given).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { buildElectron } from './build-electron.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The electron package exports its binary's path, and throws when the binary is missing. */
function electronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const server = await createServer({ configFile: path.join(root, 'vite.config.ts') });
await server.listen();
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('Vite did not report a local URL');
server.printUrls();

const binary = electronBinary();
if (!binary) {
  console.log(`\nElectron's binary is not installed, so only the renderer is running: open ${url}`);
  console.log('(the preload API is absent in a plain browser). To run the whole app, install the binary with');
  console.log('`node node_modules/electron/install.js` and run `npm run dev` again. Ctrl+C stops the server.');
} else {
  await buildElectron({ dev: true, quiet: true });
  const electron = spawn(binary, [path.join(root, 'dist/electron/main/index.js')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, UNSHAKE_DEV_SERVER_URL: url },
  });
  const stop = async (code) => {
    await server.close();
    process.exit(code ?? 0);
  };
  electron.on('exit', (code) => void stop(code));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => electron.kill(signal));
}
