import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ort } from '../../../model/src/infer/ort.js';
import { afterAll, describe, expect, it } from 'vitest';
import { executionProviderChain } from '../../../model/src/infer/provider-chain.js';
import { getSession, releaseSessions } from '../../../model/src/infer/session-manager.js';
import { resolveModel } from '../../../model/src/models/library.js';
import { BACKENDS_1_30 } from '../../fixtures/ort-backends.js';
import { repoRoot } from '../../integration/worker-helpers.js';

afterAll(() => releaseSessions());

const binDir = path.join(repoRoot, 'node_modules/onnxruntime-node/bin/napi-v6');

describe('the execution provider chain', () => {
  it('tries only providers the installed binding has, graphics first, then the processor', () => {
    const listed = ort.listSupportedBackends().map((backend) => backend.name);
    const chain = executionProviderChain();
    expect(chain.at(-1)).toBe('cpu');
    for (const name of chain) expect(listed).toContain(name);
    // This Linux x64 build lists CUDA as an add-on (bundled: false): tried, and found missing.
    if (process.platform === 'linux' && process.arch === 'x64') expect(chain).toEqual(['cuda', 'cpu']);
    expect(executionProviderChain('cpu')).toEqual(['cpu']);
  });

  it('matches each platform’s binary: DirectML and no CUDA on Windows, CoreML on a Mac, the processor alone on Linux arm64', () => {
    expect(executionProviderChain('auto', BACKENDS_1_30['win32/x64'])).toEqual(['dml', 'cpu']);
    expect(executionProviderChain('auto', BACKENDS_1_30['win32/arm64'])).toEqual(['dml', 'cpu']);
    expect(executionProviderChain('auto', BACKENDS_1_30['darwin/arm64'])).toEqual(['coreml', 'cpu']);
    expect(executionProviderChain('auto', BACKENDS_1_30['linux/arm64'])).toEqual(['cpu']);
    expect(executionProviderChain('cpu', BACKENDS_1_30['win32/x64'])).toEqual(['cpu']);
  });

  it('the tables above are what the shipped binaries name', async () => {
    for (const [folder, backends] of Object.entries(BACKENDS_1_30)) {
      const binary = await readFile(path.join(binDir, folder, 'onnxruntime_binding.node'));
      const named = (name: string) => binary.includes(Buffer.from(`\0${name}\0`));
      for (const { name } of backends) expect(named(name), `${folder} names ${name}`).toBe(true);
      for (const name of ['cuda', 'dml', 'coreml']) if (!backends.some((b) => b.name === name)) expect(named(name), `${folder} lacks ${name}`).toBe(false);
    }
  });

  it('a session on this machine reports only the providers its chain holds', async () => {
    const { manifest, onnxPath } = await resolveModel('placeholder');
    const { executionProvider } = await getSession(onnxPath, { manifest, threads: 1 });
    expect(executionProvider.tried.map((t) => t.name)).toEqual(executionProviderChain());
    expect(executionProvider.tried.at(-1)).toEqual({ name: 'cpu', ok: true, reason: null });
  });
});
