import { existsSync } from 'node:fs';
import path from 'node:path';
import { ort } from '../../../model/src/infer/ort.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deblurRgb } from '../../../model/src/infer/deblur.js';
import { executionProviderChain, releaseSessions } from '../../../model/src/infer/session-manager.js';
import { resolveModel, type ResolvedModel } from '../../../model/src/models/library.js';

/**
 * No graphics card here: the chain's first provider is simulated by a CPU session whose second
 * run throws what ORT's CUDA arena throws when the card's memory is full (BFCArena), so the
 * engine's fallback runs on real tiles of a real photo with the shipped model.
 */
const gpu = executionProviderChain()[0]!;
const OOM =
  "[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code returned while running Conv node. Name:'Conv_12' Status Message: " +
  '/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*, bool, ' +
  'onnxruntime::WaitNotificationFn) Failed to allocate memory for requested buffer of size 268435456';
const counts = { gpuSessions: 0, gpuRuns: 0 };
const realCreate = ort.InferenceSession.create.bind(ort.InferenceSession);
const simulateGpu = async (file: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> => {
  if (options.executionProviders?.[0] !== gpu) return realCreate(file, options);
  counts.gpuSessions++;
  const session = await realCreate(file, { ...options, executionProviders: ['cpu'] });
  const run = session.run.bind(session);
  let runs = 0;
  session.run = ((...args: Parameters<typeof run>) => {
    counts.gpuRuns++;
    if (++runs >= 2) return Promise.reject(new Error(OOM));
    return run(...args);
  }) as typeof session.run;
  return session;
};

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/gopro-official/Flower_blur1.png');
const W = 600;
const H = 400;
let model: ResolvedModel;
let rgb: Float32Array;
const originalCreate = ort.InferenceSession.create;

beforeAll(async () => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
  model = await resolveModel('base');
  const raw = await sharp(photo).extract({ left: 300, top: 200, width: W, height: H }).removeAlpha().raw().toBuffer();
  rgb = Float32Array.from(raw, (v) => v / 255);
  (ort.InferenceSession as { create: unknown }).create = simulateGpu;
});
afterAll(async () => {
  ort.InferenceSession.create = originalCreate;
  await releaseSessions();
});

const run = (preferredProvider: 'auto' | 'cpu') =>
  deblurRgb(rgb, W, H, { model: { manifest: model.manifest, onnxPath: model.onnxPath }, strength: 1, tileSize: 256, preferredProvider, threads: 1 });

const sameBits = (a: Float32Array, b: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('a graphics card that fails midway through a deblur', () => {
  it('hands the rest of the photo to the processor, says why, and is not tried again for this model', async () => {
    const first = await run('auto');
    expect(counts).toEqual({ gpuSessions: 1, gpuRuns: 2 });
    expect(first.tiles).toBeGreaterThan(2);
    expect(first.executionProvider.active).toBe('cpu');
    expect(first.executionProvider.tried[0]).toMatchObject({ name: gpu, ok: false });
    expect(first.executionProvider.tried[0]!.reason).toMatch(/^the graphics card ran out of memory/);
    expect(first.executionProvider.tried.at(-1)).toEqual({ name: 'cpu', ok: true, reason: null });

    const cpu = await run('cpu');
    expect(sameBits(first.rgb, cpu.rgb)).toBe(true);

    // The card's session was retired and the chain of this model skips it: no new session, no run.
    const second = await run('auto');
    expect(counts).toEqual({ gpuSessions: 1, gpuRuns: 2 });
    expect(second.executionProvider).toEqual(first.executionProvider);
    expect(sameBits(second.rgb, cpu.rgb)).toBe(true);
  });
});
