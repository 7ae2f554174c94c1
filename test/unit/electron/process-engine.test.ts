import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChildProcessEngine } from '../../../electron/main/engine/child-process-engine.js';
import { UnshakeError } from '../../../model/src/errors.js';

/**
 * The engine client's failure paths, with real child processes running tiny worker scripts
 * that misbehave in ways the real worker cannot be made to on demand.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'unshake-engine-'));
function script(name: string, source: string) {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return { path: file, execArgv: [] };
}

const rejection = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as UnshakeError);

describe('process engine', () => {
  it('fails requests with WORKER_CRASHED when the worker cannot start', async () => {
    const engine = createChildProcessEngine({ entry: script('broken.mjs', "throw new Error('boom at import');") });
    const error = await rejection(engine.request('info', {}));
    expect(error).toBeInstanceOf(UnshakeError);
    expect(error?.code).toBe('WORKER_CRASHED');
    expect(error?.message).toMatch(/could not start/);
    await engine.close();
  });

  it('gives up on a worker that never says ready', async () => {
    const engine = createChildProcessEngine({
      entry: script('silent.mjs', "process.on('message', () => {}); setInterval(() => {}, 1000);"),
      startTimeoutMs: 300,
    });
    expect((await rejection(engine.request('info', {})))?.code).toBe('WORKER_CRASHED');
    await engine.close();
  });

  it('kills a worker that ignores cancel, and starts a fresh one for the next request', async () => {
    // Answers "info" at once, never answers "inspect", ignores "cancel".
    const stubborn = script(
      'stubborn.mjs',
      `process.on('message', (m) => {
        if (m.type === 'request' && m.command === 'info') process.send({ type: 'result', id: m.id, value: { runtime: 'stub', version: String(process.pid) } });
      });
      process.send({ type: 'ready', pid: process.pid });`,
    );
    const engine = createChildProcessEngine({ entry: stubborn, cancelGraceMs: 300 });
    const first = await engine.request('info', {});
    const pid = engine.workerPid();
    expect(first.version).toBe(String(pid));

    const controller = new AbortController();
    const stuck = rejection(engine.request('inspect', { path: '/x.jpg', maxMegapixels: 250 }, { signal: controller.signal }));
    controller.abort();
    expect((await stuck)?.code).toBe('CANCELLED');

    const second = await engine.request('info', {});
    expect(second.version).not.toBe(String(pid));
    expect(() => process.kill(pid!, 0)).toThrow();
    await engine.close();
    expect((await rejection(engine.request('info', {})))?.code).toBe('INTERNAL');
  });

  it('rejects an already-aborted request without sending it', async () => {
    const engine = createChildProcessEngine({ entry: script('unused.mjs', "throw new Error('must not start');") });
    const error = await rejection(engine.request('info', {}, { signal: AbortSignal.abort() }));
    expect(error?.code).toBe('CANCELLED');
    expect(engine.workerPid()).toBeUndefined();
    await engine.close();
  });
});
