import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultCriticWidth, describeBackend, isCpuBound, lastBackendChoice, loadBestBackend, PROCESSOR_ONLY_REASON } from '../../../model/src/train/backend.js';

const installed = async (name: string) => import(name).then(() => true, () => false);

describe('loadBestBackend', () => {
  it('tries the faster backends first, says why each was skipped, and ends on one that runs', async () => {
    const choice = await loadBestBackend();
    const names = choice.tried.map((t) => t.name);
    // A software WebGPU adapter is skipped in WebGPU's place and retried just before pure JS.
    const softwareOnly = /only a software adapter/.test(choice.tried[1]?.reason ?? '');
    const expected = softwareOnly ? ['tensorflow-gpu', 'webgpu', 'tensorflow', 'webgpu', 'cpu'] : ['tensorflow-gpu', 'webgpu', 'tensorflow', 'cpu'];
    expect(names).toEqual(expected.slice(0, names.length));
    if (choice.name === 'webgpu') expect(choice.software).toBe(softwareOnly);
    expect(choice.tried.at(-1)).toEqual({ name: choice.name, ok: true, reason: null });
    for (const skipped of choice.tried.slice(0, -1)) {
      expect(skipped.ok).toBe(false);
      expect(skipped.reason).toMatch(/\S/);
    }
    // On a machine without the optional packages the reason names the missing package.
    if (!(await installed('@tensorflow/tfjs-node-gpu'))) expect(choice.tried[0]!.reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    if (names.includes('webgpu') && !(await installed('webgpu'))) {
      expect(choice.tried.find((t) => t.name === 'webgpu')!.reason).toMatch(/webgpu is not installed/);
    }
    expect(tf.getBackend()).toBe(choice.name === 'tensorflow-gpu' ? 'tensorflow' : choice.name);
    // The chosen backend really computes.
    expect(Array.from(tf.tidy(() => tf.add(tf.tensor([1, 2]), 1)).dataSync())).toEqual([2, 3]);
    expect(describeBackend(choice)).toContain(choice.name);
    expect(choice.warning === null).toBe(choice.name !== 'cpu' && choice.software !== true);
  });

  it('names a skipped WebGPU try as the graphics card’s when WebGPU then runs on a software adapter', () => {
    const said = describeBackend({
      name: 'webgpu',
      adapter: 'llvmpipe',
      software: true,
      warning: null,
      tried: [
        { name: 'tensorflow-gpu', ok: false, reason: 'not installed' },
        { name: 'webgpu', ok: false, reason: 'only a software adapter is available' },
        { name: 'webgpu', ok: true, reason: null },
      ],
    });
    expect(said).toBe('webgpu on llvmpipe (software renderer) (skipped tensorflow-gpu: not installed; webgpu on a graphics card: only a software adapter is available)');
  });

  it('with the graphics-card setting off, skips every backend on a graphics card and says why', async () => {
    const choice = await loadBestBackend({ processorOnly: true });
    // tfjs-node-gpu is not even loaded: the setting is the reason, not a missing package.
    expect(choice.tried[0]).toEqual({ name: 'tensorflow-gpu', ok: false, reason: PROCESSOR_ONLY_REASON });
    expect(isCpuBound(choice)).toBe(true);
    expect(lastBackendChoice()).toBe(choice);
  });

  it('honours a restricted candidate list', async () => {
    const choice = await loadBestBackend({ candidates: ['cpu'] });
    expect(choice).toMatchObject({ name: 'cpu', tried: [{ name: 'cpu', ok: true, reason: null }] });
    expect(choice.warning).toMatch(/slower/);
  });
});

describe('isCpuBound', () => {
  it('counts every backend that runs on the processor, and only those', () => {
    // A graphics card: CUDA, or WebGPU on a hardware adapter.
    expect(isCpuBound({ name: 'tensorflow-gpu' })).toBe(false);
    expect(isCpuBound({ name: 'webgpu', software: false })).toBe(false);
    // The processor: native TensorFlow without CUDA, WebGPU's software renderer, pure JS.
    expect(isCpuBound({ name: 'tensorflow' })).toBe(true);
    expect(isCpuBound({ name: 'webgpu', software: true })).toBe(true);
    expect(isCpuBound({ name: 'cpu' })).toBe(true);
    expect([defaultCriticWidth({ name: 'tensorflow' }), defaultCriticWidth({ name: 'tensorflow-gpu' })]).toEqual([16, 64]);
  });
});
