import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM build script (electron-builder loads it), without type declarations.
import { beforePack } from '../../../build/before-pack.mjs';

/**
 * The packaging hook with electron-builder's context as it passes it (the project, the resolved
 * config), against this checkout and against a copy laid out without the shared folder beside it:
 * electron-builder itself only logs a missing extraResources source and ships the app without it.
 */
const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const config = (require('js-yaml') as { load(text: string): Record<string, unknown> }).load(readFileSync(path.join(repoRoot, 'build/electron-builder.yml'), 'utf8'));
const PLATFORM_KEYS: Record<string, string> = { linux: 'linux', win32: 'win', darwin: 'mac' };
const hook = beforePack as (context: object) => Promise<void>;
const pack = (projectDir: string, platform: string = process.platform, arch = ['ia32', 'x64', 'armv7l', 'arm64'].indexOf(process.arch), overrides: object = {}) =>
  hook({ electronPlatformName: platform, arch, packager: { projectDir, config: { ...config, ...overrides }, platformSpecificBuildOptions: config[PLATFORM_KEYS[platform]!] } });
const arch = ['ia32', 'x64', 'armv7l', 'arm64'].indexOf(process.arch);

let work = '';
let project = '';
const vgg = () => path.join(work, 'shared/weights/vgg19-block3');
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-pack-'));
  project = path.join(work, 'repo');
  await mkdir(project);
  await symlink(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the beforePack hook', () => {
  it('lets this checkout package for its own platform, and refuses another with what to run', async () => {
    await expect(pack(repoRoot)).resolves.toBeUndefined();
    const other = process.platform === 'win32' ? 'linux' : 'win32';
    await expect(pack(repoRoot, other, 1)).rejects.toThrow(
      new RegExp(`^Cannot package Unshake for ${other}-x64: node_modules lacks @img/sharp-${other}-x64.*npm install --os=${other} --cpu=x64 sharp`),
    );
  });

  it('stops a package made without the shared folder beside the repo, naming the VGG weights and where they come from', async () => {
    await rm(path.join(work, 'shared'), { recursive: true, force: true });
    await expect(pack(project)).rejects.toThrow(
      `the files it bundles from outside the repository are missing: ${vgg()}. They come from the shared/ folder next to the repository`,
    );
  });

  it('stops on a VGG folder without its model.json, a weight shard or its licence, and passes a whole one', async () => {
    await mkdir(vgg(), { recursive: true });
    await expect(pack(project)).rejects.toThrow(`missing: ${path.join(vgg(), 'model.json')}, ${path.join(vgg(), 'README.md')}.`);
    await writeFile(path.join(vgg(), 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['group1-shard1of1', 'group2-shard1of1'], weights: [] }] }));
    await writeFile(path.join(vgg(), 'README.md'), 'licence');
    await writeFile(path.join(vgg(), 'group1-shard1of1'), '');
    await expect(pack(project)).rejects.toThrow(`missing: ${path.join(vgg(), 'group2-shard1of1')}.`);
    await rm(vgg(), { recursive: true });
    await cp(path.join(repoRoot, '../shared/weights/vgg19-block3'), vgg(), { recursive: true });
    await expect(pack(project)).resolves.toBeUndefined();
  });

  it('lets a release (forceCodeSigning) publish no research-only weights, and says what to do; a try-out package goes on', async () => {
    await expect(pack(repoRoot, process.platform, arch, { forceCodeSigning: true })).rejects.toThrow(
      `a release would publish weights licensed for research use only: ${path.join(repoRoot, 'model/weights/unshake-base.manifest.json')}`,
    );
    await expect(pack(repoRoot, process.platform, arch, { forceCodeSigning: true })).rejects.toThrow('Replace them with weights whose training data may be shipped');
    await expect(pack(repoRoot, process.platform, arch, { forceCodeSigning: false })).resolves.toBeUndefined();
  });
});
