import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM build script (electron-builder loads it), without type declarations.
import { missingNativeBinaries } from '../../../build/check-native-binaries.mjs';

/**
 * The packaging hook against node_modules as npm installs it on one machine: only that machine's
 * sharp binaries. A package for another OS or CPU must stop, saying what to install.
 */
let modules = '';
beforeAll(async () => {
  modules = await mkdtemp(path.join(os.tmpdir(), 'unshake-native-'));
  for (const name of ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64']) {
    await mkdir(path.join(modules, name), { recursive: true });
    await writeFile(path.join(modules, name, 'package.json'), '{}');
  }
  for (const target of ['linux/x64', 'darwin/arm64', 'win32/x64']) await mkdir(path.join(modules, 'onnxruntime-node/bin/napi-v6', target), { recursive: true });
});
afterAll(() => rm(modules, { recursive: true, force: true }));

describe('the packaging hook that checks native binaries', () => {
  const check = missingNativeBinaries as (platform: string, arch: string, nodeModules?: string) => string[];

  it('passes the machine’s own target, and names what another target lacks', () => {
    expect(check('linux', 'x64', modules)).toEqual([]);
    expect(check('win32', 'x64', modules)).toEqual(['@img/sharp-win32-x64']);
    expect(check('darwin', 'arm64', modules)).toEqual(['@img/sharp-darwin-arm64', '@img/sharp-libvips-darwin-arm64']);
    // onnxruntime-node ships no Intel Mac runtime at all.
    expect(check('darwin', 'x64', modules)).toContain(path.join('onnxruntime-node', 'bin', 'napi-v6', 'darwin', 'x64'));
  });
});
