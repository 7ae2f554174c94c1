#!/usr/bin/env node
// Bundles Electron's three entry points with esbuild into dist/electron/{main,preload,workers}
// (the worker as an entry file and the chunks it imports on demand).
// Main and the worker are ESM for Node (native modules stay external and load from
// node_modules, unpacked from the asar); the preload is one CJS file because a sandboxed
// preload cannot require anything but 'electron'.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const defaultOutRoot = path.join(root, 'dist', 'electron');

/** Native or Electron-bound packages: loaded at run time, never inlined. */
const NODE_EXTERNALS = ['electron', 'sharp', 'onnxruntime-node', 'electron-store', '@tensorflow/*'];

// Bundled CommonJS dependencies use require, __filename and __dirname (write-file-atomic does);
// ESM output has none of them, so the banner defines them for the bundle file.
const CJS_SHIM = [
  "import { createRequire as __shimCreateRequire } from 'node:module';",
  "import { fileURLToPath as __shimFileURLToPath } from 'node:url';",
  "import { dirname as __shimDirname } from 'node:path';",
  'const require = __shimCreateRequire(import.meta.url);',
  'const __filename = __shimFileURLToPath(import.meta.url);',
  'const __dirname = __shimDirname(__filename);',
].join('\n');

/**
 * outRoot must sit two levels below the repo (like dist/electron): the bundled worker finds
 * model/weights at ../../../model/weights from its own folder.
 */
export async function buildElectron({ dev = false, quiet = false, outRoot = defaultOutRoot } = {}) {
  rmSync(outRoot, { recursive: true, force: true });
  const common = { bundle: true, sourcemap: dev ? 'inline' : true, logLevel: quiet ? 'error' : 'info', absWorkingDir: root, minify: !dev };
  const node = { ...common, platform: 'node', format: 'esm', target: 'node22', external: NODE_EXTERNALS, banner: { js: CJS_SHIM } };
  await Promise.all([
    build({ ...node, entryPoints: { index: 'electron/main/index.ts' }, outdir: path.join(outRoot, 'main') }),
    build({
      ...node,
      entryPoints: { 'engine-worker': 'electron/workers/engine-worker.ts' },
      outdir: path.join(outRoot, 'workers'),
      // Split at the worker's import()s, so each process loads sharp, ORT or TF.js with the first
      // command that needs it (engine-handlers.ts); unsplit, esbuild hoists every external import
      // to the bundle's top, loading all three in each process. Chunks stay beside the entry: code
      // in them finds the weights relative to its own file (worker-paths.ts).
      splitting: true,
      chunkNames: '[name]-[hash]',
    }),
    build({
      ...common,
      // 'browser' keeps Node built-ins out: the sandboxed preload has none.
      platform: 'browser',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
      entryPoints: { index: 'electron/preload/index.ts' },
      outdir: path.join(outRoot, 'preload'),
      outExtension: { '.js': '.cjs' },
    }),
  ]);
  return outRoot;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildElectron({ dev: process.argv.includes('--dev') }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
