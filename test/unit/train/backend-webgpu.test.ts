import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { describeBackend, loadBestBackend } from '../../../model/src/train/backend.js';
import { createCritic } from '../../../model/src/train/critic.js';
import { buildGenerator } from '../../../model/src/train/onnx-to-tf.js';
import { Rng } from '../../../model/src/train/random.js';
import { disposeNets, trainStep, type StepNets } from '../../../model/src/train/train-step.js';
import { buildTinyGeneratorOnnx } from '../../fixtures/tiny-generator.js';

/**
 * The WebGPU path for real (Dawn through the `webgpu` package). It needs a Vulkan/Metal/D3D12
 * driver; on a CPU-only Linux box Mesa's lavapipe (bookworm-backports, installed by .ci/run)
 * provides a software adapter. Without any adapter the tests are reported as skipped.
 */
async function probe(): Promise<string | null> {
  try {
    const dawn = (await import('webgpu')) as unknown as { create: (f: string[]) => { requestAdapter(): Promise<unknown> } };
    return (await dawn.create([]).requestAdapter()) ? null : 'no WebGPU adapter on this machine';
  } catch (error) {
    return `webgpu unavailable: ${(error as Error).message}`;
  }
}
const unavailable = await probe();

function nets(): StepNets {
  return {
    gen: buildGenerator(buildTinyGeneratorOnnx(2)),
    genOpt: tf.train.adam(1e-3),
    critic: createCritic(4, 2),
    criticOpt: tf.train.adam(1e-4, 0.5, 0.999),
    vgg: null,
    weights: { l1: 100, perceptual: 0, adversarial: 1, gradientPenalty: 10 },
    criticSteps: 1,
  };
}

async function twoSteps(): Promise<{ losses: Record<string, number>[]; weights: Map<string, Float32Array> }> {
  const rng = new Rng(5);
  const noise = () => Float32Array.from({ length: 2 * 32 * 32 * 3 }, () => rng.next() * 2 - 1);
  const batch = { blurred: noise(), sharp: noise(), shape: [2, 32, 32, 3] as [number, number, number, number] };
  const n = nets();
  try {
    const losses = [await trainStep(n, batch, 1), await trainStep(n, batch, 2)];
    return { losses, weights: await n.gen.readWeights() };
  } finally {
    disposeNets(n);
  }
}

describe.skipIf(unavailable !== null)(`WebGPU training backend${unavailable ? ` (${unavailable})` : ''}`, () => {
  it('loads on whatever adapter there is, names it, and trains like the CPU backend', async () => {
    await tf.setBackend('cpu');
    const reference = await twoSteps();
    const choice = await loadBestBackend({ candidates: ['webgpu'], softwareAdapter: 'accept' });
    expect(choice.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(choice.adapter).toMatch(/\S/);
    expect(describeBackend(choice)).toContain(`webgpu on ${choice.adapter}`);
    const onGpu = await twoSteps();
    for (const [i, step] of reference.losses.entries()) {
      for (const key of ['critic', 'l1', 'adversarial', 'total']) {
        expect(onGpu.losses[i]![key]).toBeCloseTo(step[key]!, 3);
      }
    }
    let maxDiff = 0;
    for (const [name, w] of reference.weights) {
      const g = onGpu.weights.get(name)!;
      for (let k = 0; k < w.length; k++) maxDiff = Math.max(maxDiff, Math.abs(w[k]! - g[k]!));
    }
    expect(maxDiff).toBeLessThan(1e-4);
    await tf.setBackend('cpu');
  });

  it('keeps one Dawn instance per process, so a second load does not orphan the device TF.js holds', async () => {
    const gpuNow = () => (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
    await loadBestBackend({ candidates: ['webgpu'], softwareAdapter: 'accept' });
    const first = gpuNow();
    expect(first).toBeDefined();
    await loadBestBackend({ candidates: ['webgpu'], softwareAdapter: 'accept' });
    expect(gpuNow()).toBe(first);
    // Still trains on the device made from that instance.
    const { losses } = await twoSteps();
    expect(Number.isFinite(losses[1]!['total'])).toBe(true);
    await tf.setBackend('cpu');
  });

  it('refuses a software adapter when asked to, with the reason', async () => {
    const choice = await loadBestBackend({ candidates: ['webgpu', 'cpu'], softwareAdapter: 'refuse' });
    if (choice.name === 'webgpu') {
      expect(choice.software).toBe(false); // a hardware GPU is there
    } else {
      expect(choice.tried[0]!.reason).toMatch(/only a software adapter is available \(.+\), not a hardware GPU/);
      expect(choice.tried.map((t) => t.name)).toEqual(['webgpu', 'cpu']);
    }
  });
});
