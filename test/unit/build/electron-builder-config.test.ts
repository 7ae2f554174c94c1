import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The packaging config, checked without packaging (no Electron binary here): electron-builder's
 * own schema accepts it, the fuses that keep the app from being run as plain Node are flipped, and
 * what the training process needs at run time goes in.
 */
const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CONFIG_FILE = path.join(repoRoot, 'build', 'electron-builder.yml');
const load = () => (require('js-yaml') as { load(text: string): Record<string, unknown> }).load(readFileSync(CONFIG_FILE, 'utf8'));

async function validate(config: Record<string, unknown>): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, logger: unknown): Promise<void> };
  const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
}

describe('build/electron-builder.yml', () => {
  it('is valid for electron-builder (and a misspelt key would not be)', async () => {
    await validate(load());
    await expect(validate({ ...load(), electronFuses: { runAsNod: false } })).rejects.toThrow(/electronFuses/);
  });

  it('flips the fuses that would let the packaged app run as plain Node or load code from outside its asar', () => {
    expect(load().electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships what the training process loads: TF.js, Dawn (unpacked), the shake specs and the VGG19 weights with their licence', () => {
    const config = load() as { files: string[]; asarUnpack: string[]; extraResources: { from: string; to: string }[] };
    expect(config.files.filter((f) => /tensorflow|webgpu/.test(f))).toEqual([]);
    expect(config.asarUnpack).toContain('node_modules/webgpu/**');
    expect(config.files).toContain('model/base/synthesis-spec*.json');
    for (const spec of ['synthesis-spec.json', 'synthesis-spec-mild.json']) expect(existsSync(path.join(repoRoot, 'model/base', spec)), spec).toBe(true);
    const vgg = config.extraResources.find((r) => r.to === 'vgg19-block3');
    const from = path.resolve(repoRoot, vgg!.from);
    for (const file of ['model.json', 'README.md', 'group1-shard1of1']) expect(existsSync(path.join(from, file)), file).toBe(true);
  });
});
