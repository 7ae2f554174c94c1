import { afterAll, expect, it, vi } from 'vitest';
import { BACKENDS_1_30 } from '../../fixtures/ort-backends.js';

/**
 * Windows x64 simulated on this machine: the platform reads win32 and the binding lists what the
 * Windows binary has. Its results must not try CUDA (absent from that build) nor blame it.
 */
vi.mock('onnxruntime-node', async (importOriginal) => {
  const actual = await importOriginal<{ default: Record<string, unknown> }>();
  return { ...actual, default: { ...actual.default, listSupportedBackends: () => BACKENDS_1_30['win32/x64'] } };
});
// The real Linux binding first: it picks its binary folder by the platform when loaded.
await import('onnxruntime-node');
const realPlatform = process.platform;
Object.defineProperty(process, 'platform', { value: 'win32' });
const { getSession, releaseSessions } = await import('../../../model/src/infer/session-manager.js');
const { resolveModel } = await import('../../../model/src/models/library.js');

afterAll(async () => {
  await releaseSessions();
  Object.defineProperty(process, 'platform', { value: realPlatform });
});

it('Windows tries DirectML, then the processor; CUDA is not in that build, so not tried nor named', async () => {
  const { onnxPath } = await resolveModel('placeholder');
  for (let i = 0; i < 2; i++) {
    const { executionProvider } = await getSession(onnxPath, { threads: 1 });
    // DirectML cannot start here (this is Linux underneath): it is reported, and the processor runs.
    expect(executionProvider.tried.map((t) => t.name)).toEqual(['dml', 'cpu']);
    expect(executionProvider.active).toBe('cpu');
    expect(JSON.stringify(executionProvider)).not.toMatch(/cuda/i);
  }
});
