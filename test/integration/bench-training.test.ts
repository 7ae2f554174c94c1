import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainingMarkdown } from '../../model/src/eval/bench-report.js';
import { benchTraining } from '../../model/src/eval/bench-training.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'unshake-bench-train-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('npm run bench: fine-tuning seconds per step per backend', () => {
  it('measures every backend that loads, each in its own process, and says why the others did not', async () => {
    const onnx = await writeTinyGenerator(work, 4);
    // WebGPU's own test is backend-webgpu.test.ts; here one optional native package and pure JS.
    const bench = await benchTraining(onnx, { size: 16, batch: 1, backends: ['tensorflow-gpu', 'cpu'] });
    expect(bench.rows.map((r) => r.backend)).toEqual(['tensorflow-gpu', 'cpu']);
    const cpu = bench.rows.find((r) => r.backend === 'cpu')!;
    expect(cpu).toMatchObject({ available: true, software: false, description: 'cpu' });
    // Full and decoder-only at 16², and 32² because a tiny step is far under the budget.
    expect(cpu.results.map((r) => [r.size, r.mode])).toEqual([[16, 'full'], [16, 'decoder'], [32, 'full']]);
    for (const r of cpu.results) {
      expect(r).toMatchObject({ backend: 'cpu', batch: 1, losses: 'full', criticWidth: 16, timedSteps: 2 });
      expect(r.secondsPerStep).toBeGreaterThan(0);
    }
    for (const row of bench.rows.filter((r) => !r.available)) expect(row.reason).toMatch(/not installed|adapter|failed/);
    const native = bench.rows.find((r) => r.backend === 'tensorflow-gpu')!;
    if (!native.available) expect(native.reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
    const md = trainingMarkdown(bench).join('\n');
    expect(md).toMatch(/^\| cpu \| 16² \| full \| 16 \| [\d.]+ \| [\d.]+ \|$/m);
    expect(md).toMatch(/\| tensorflow-gpu \| \| \| \| not available: /);
  });

  it('a backend whose step fails is a row with a one-line reason; the bench goes on', async () => {
    const onnx = await writeTinyGenerator(work, 4);
    // Without the VGG19 weights the child's first step throws (it used to end the whole bench with the child's stack).
    const noVgg = path.join(work, 'no-vgg');
    await mkdir(noVgg, { recursive: true });
    const bench = await benchTraining(onnx, { size: 16, batch: 1, backends: ['cpu'], vggDir: noVgg });
    expect(bench.rows).toHaveLength(1);
    const [cpu] = bench.rows;
    expect(cpu).toMatchObject({ backend: 'cpu', available: false, results: [] });
    expect(cpu!.reason).toBe(
      `The VGG19 weights for the perceptual loss are missing: no model.json in ${noVgg}. Point the trainer at the vgg19-block3 folder (--vgg DIR) or turn the perceptual loss off (--perceptual 0).`,
    );
    expect(trainingMarkdown(bench).join('\n')).toMatch(/\| cpu \| \| \| \| not available: The VGG19 weights/);
  });
});
