import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ort } from '../infer/ort.js';
import { getSession, type EpPreference } from '../infer/session-manager.js';
import { encodeModel, node, tensorInfo } from '../models/onnx-writer.js';
import { timeMedian } from './bench-timing.js';

/**
 * The machine's attainable dense throughput through the same runtime the generator uses: one
 * N×N MatMul (2N³ FLOP), built here with onnx-writer, on the same EP and thread count. Convs
 * cannot beat a large GEMM on the same cores, so "% of roofline" says how well the network
 * uses the machine, independently of how fast the machine is.
 */
export const MATMUL_N = 2048;

export interface Roofline {
  matmulSize: number;
  threads: number;
  gflops: number;
  medianSeconds: number;
  runs: number;
}

export async function matmulRoofline(dir: string, options: { preferred: EpPreference; threads: number }): Promise<Roofline> {
  const n = MATMUL_N;
  const file = path.join(dir, 'roofline-matmul.onnx');
  await writeFile(
    file,
    encodeModel({
      name: 'roofline_matmul',
      inputs: [tensorInfo('a', [n, n]), tensorInfo('b', [n, n])],
      outputs: [tensorInfo('c', [n, n])],
      initializers: [],
      nodes: [node('MatMul', ['a', 'b'], ['c'])],
    }),
  );
  const { session } = await getSession(file, { preferred: options.preferred, threads: options.threads });
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const feeds = { a: new ort.Tensor('float32', data, [n, n]), b: new ort.Tensor('float32', data, [n, n]) };
  const t = await timeMedian(() => session.run(feeds), { runs: 7, budgetSeconds: 8 });
  return { matmulSize: n, threads: options.threads, gflops: (2 * n ** 3) / t.median / 1e9, medianSeconds: t.median, runs: t.runs };
}
