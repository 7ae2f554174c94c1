import { mkdtemp, rm } from 'node:fs/promises';
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
});
