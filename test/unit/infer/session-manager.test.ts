import { copyFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ort } from '../../../model/src/infer/ort.js';
import { afterAll, describe, expect, it } from 'vitest';
import { UnshakeError } from '../../../model/src/errors.js';
import { executionProviderChain, getSession, releaseSessions, retireIdleSessions, useSession } from '../../../model/src/infer/session-manager.js';
import { resolveModel } from '../../../model/src/models/library.js';

afterAll(() => releaseSessions());

describe('ORT session manager', () => {
  it('runs the placeholder on CPU and reports why the GPU provider was skipped', async () => {
    const { manifest, onnxPath } = await resolveModel('placeholder');
    const { session, executionProvider } = await getSession(onnxPath, { manifest });
    expect(executionProvider.active).toBe('cpu');
    const names = executionProvider.tried.map((t) => t.name);
    expect(names).toEqual(executionProviderChain());
    if (process.platform === 'linux') {
      // This machine has no CUDA runtime: the failure is recorded with ORT's reason, then CPU runs.
      expect(executionProvider.tried[0]).toMatchObject({ name: 'cuda', ok: false });
      expect(executionProvider.tried[0]!.reason).toMatch(/\w{5,}/);
    }
    expect(executionProvider.tried.at(-1)).toEqual({ name: 'cpu', ok: true, reason: null });

    const input = new Float32Array(3 * 12 * 20).map((_, i) => Math.sin(i) * 0.5);
    const out = await session.run({ blurred: new ort.Tensor('float32', input, [1, 3, 12, 20]) });
    expect(out.sharp!.dims).toEqual([1, 3, 12, 20]);
    const data = out.sharp!.data as Float32Array;
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(-1);
    expect(data.some((v, i) => Math.abs(v - input[i]!) > 1e-3)).toBe(true);
  });

  it('caches one session per model and EP chain; where no GPU provider loads, "auto" and "cpu" share it', async () => {
    const { manifest, onnxPath } = await resolveModel('placeholder');
    const a = await getSession(onnxPath, { manifest });
    const b = await getSession(onnxPath);
    const cpu = await getSession(onnxPath, { preferred: 'cpu' });
    expect(b.session).toBe(a.session);
    expect(b.executionProvider).toEqual(a.executionProvider);
    expect(cpu.executionProvider.tried).toEqual([{ name: 'cpu', ok: true, reason: null }]);
    // Two CPU sessions would hold two ORT arenas (~400 MB each for the base model) for one network.
    if (a.executionProvider.active === 'cpu') expect(cpu.session).toBe(a.session);
    else expect(cpu.session).not.toBe(a.session);
    // Another thread count is another session, and switching back finds the first one again.
    const one = await getSession(onnxPath, { preferred: 'cpu', threads: 1 });
    const two = await getSession(onnxPath, { preferred: 'cpu', threads: 2 });
    expect((await getSession(onnxPath, { preferred: 'cpu', threads: 1 })).session).toBe(one.session);
    expect((await getSession(onnxPath, { preferred: 'cpu', threads: 2 })).session).toBe(two.session);
  });

  it('a model file replaced at the same path (re-imported, retrained) gets a new session', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-reimport-'));
    try {
      const file = path.join(dir, 'model.onnx');
      const run = async () => {
        const { session } = await getSession(file, { preferred: 'cpu', threads: 1 });
        const input = new Float32Array(3 * 16 * 16).map((_, i) => Math.sin(i * 0.7) * 0.6);
        return Array.from((await session.run({ blurred: new ort.Tensor('float32', input, [1, 3, 16, 16]) })).sharp!.data as Float32Array);
      };
      await copyFile((await resolveModel('placeholder')).onnxPath, file);
      const placeholder = await run();
      await copyFile((await resolveModel('unshake-base')).onnxPath, file);
      const base = await run();
      expect(base).not.toEqual(placeholder);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps the two most recently used models: another model releases the oldest, once no run uses it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-lru-'));
    const input = new Float32Array(3 * 16 * 16).map((_, i) => Math.sin(i * 0.7) * 0.6);
    const run = (session: ort.InferenceSession) => session.run({ blurred: new ort.Tensor('float32', input, [1, 3, 16, 16]) });
    try {
      // Three models, as the base model and two fine-tunes are to the engine.
      const files = ['base', 'mine', 'other'].map((name) => path.join(dir, `${name}.onnx`));
      for (const file of files) await copyFile((await resolveModel('placeholder')).onnxPath, file);
      const options = { preferred: 'cpu' as const, threads: 1 };
      const base = await getSession(files[0]!, options);
      const mine = await getSession(files[1]!, options);
      // Base used again: "mine" is now the least recently used, and a third model releases it.
      expect((await getSession(files[0]!, options)).session).toBe(base.session);
      await getSession(files[2]!, options);
      await expect(run(mine.session)).rejects.toThrow();
      await run(base.session);
      // A session pushed out while a deblur runs on it stays usable until that run ends.
      let held: ort.InferenceSession | undefined;
      await useSession(files[0]!, options, async ({ session }) => {
        held = session;
        await getSession(files[1]!, options);
        await getSession(files[2]!, options);
        expect((await run(session)).sharp!.dims).toEqual([1, 3, 16, 16]);
      });
      await expect(run(held!)).rejects.toThrow();
      // Asked for again, it is loaded anew.
      expect((await run((await getSession(files[0]!, options)).session)).sharp!.dims).toEqual([1, 3, 16, 16]);
    } finally {
      await releaseSessions();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an idle engine lets go of its sessions; one a run is using stays until asked for again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-idle-'));
    const input = new Float32Array(3 * 16 * 16).map((_, i) => Math.cos(i * 0.3) * 0.5);
    const run = (session: ort.InferenceSession) => session.run({ blurred: new ort.Tensor('float32', input, [1, 3, 16, 16]) });
    try {
      const files = ['idle', 'busy'].map((name) => path.join(dir, `${name}.onnx`));
      for (const file of files) await copyFile((await resolveModel('placeholder')).onnxPath, file);
      const options = { preferred: 'cpu' as const, threads: 1 };
      const idle = await getSession(files[0]!, options);
      await useSession(files[1]!, options, async ({ session }) => {
        retireIdleSessions();
        // The idle one is released at once; the one in use still runs.
        await expect(run(idle.session)).rejects.toThrow();
        expect((await run(session)).sharp!.dims).toEqual([1, 3, 16, 16]);
        expect((await getSession(files[1]!, options)).session).toBe(session);
      });
      // Asked for again, the idle model gets a new session.
      const again = await getSession(files[0]!, options);
      expect(again.session).not.toBe(idle.session);
      expect((await run(again.session)).sharp!.dims).toEqual([1, 3, 16, 16]);
    } finally {
      await releaseSessions();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a model whose I/O does not match its manifest, and a file that is not ONNX', async () => {
    const { manifest, onnxPath } = await resolveModel('placeholder');
    const wrong = { ...manifest, io: { ...manifest.io, inputName: 'image' } };
    const error = await getSession(onnxPath, { manifest: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnshakeError);
    expect(error).toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('"image"') });

    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-ort-'));
    try {
      const garbage = path.join(dir, 'garbage.onnx');
      await writeFile(garbage, 'this is not a protobuf model');
      await expect(getSession(garbage)).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps an ORT-optimised copy on disk, keyed by model, runtime and EP, and reuses it', async () => {
    const { manifest, onnxPath } = await resolveModel('placeholder');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-ortcache-'));
    const input = new Float32Array(3 * 16 * 24).map((_, i) => Math.cos(i * 0.3) * 0.7);
    const run = async () => {
      const { session } = await getSession(onnxPath, { manifest, preferred: 'cpu', optimizedCacheDir: dir, threads: 1 });
      const out = await session.run({ blurred: new ort.Tensor('float32', input, [1, 3, 16, 24]) });
      return out.sharp!.data as Float32Array;
    };
    try {
      const fresh = await run();
      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`^${manifest.sha256!.slice(0, 32)}-ort[\\d.]+-cpu-${process.platform}-${process.arch}\\.onnx$`));
      const written = await stat(path.join(dir, files[0]!));
      await releaseSessions();
      const cached = await run();
      expect(Array.from(cached)).toEqual(Array.from(fresh));
      // Loaded, not rewritten.
      expect((await stat(path.join(dir, files[0]!))).mtimeMs).toBe(written.mtimeMs);
      // A damaged entry is evicted and rebuilt rather than failing the session.
      await releaseSessions();
      await writeFile(path.join(dir, files[0]!), 'garbage');
      expect(Array.from(await run())).toEqual(Array.from(fresh));
      expect((await stat(path.join(dir, files[0]!))).size).toBeGreaterThan(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
