import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { deblurFile } from '../infer/deblur-file.js';
import { getSession, type EpPreference } from '../infer/session-manager.js';
import type { ResolvedModel } from '../models/library.js';
import { encodeModel, node, tensorInfo } from '../models/onnx-writer.js';

/**
 * Machine-relative speed measurements (issue 4): a MatMul roofline, the network's own time per
 * megapixel at its preferred tile, and end-to-end decode → deblur → encode time per megapixel.
 */
export interface BenchReport {
  machine: { cpus: number; cpuModel: string; platform: string };
  model: { id: string; placeholder: boolean; gmacPerMegapixel: number | null; tileSize: number };
  executionProvider: ExecutionProviderInfo;
  roofline: { matmulSize: number; gflops: number };
  network: { secondsPerMegapixel: number; gmacPerSecond: number | null; rooflineShare: number | null };
  endToEnd: { megapixels: number; seconds: number; secondsPerMegapixel: number; overheadRatio: number; tiles: number }[];
  peakRssBytes: number;
}

const MATMUL_N = 2048;

/** Best-of-n seconds for `run` (after one warm-up), stopping early once `budget` seconds are spent. */
async function timeBest(run: () => Promise<unknown>, n = 5, budget = 3): Promise<number> {
  await run();
  let best = Infinity;
  const start = performance.now();
  for (let i = 0; i < n && (performance.now() - start) / 1000 < budget; i++) {
    const t = performance.now();
    await run();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return best;
}

async function matmulGflops(dir: string, preferred: EpPreference): Promise<number> {
  const file = path.join(dir, 'matmul.onnx');
  const n = MATMUL_N;
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
  const { session } = await getSession(file, { preferred });
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000);
  const feeds = { a: new ort.Tensor('float32', data, [n, n]), b: new ort.Tensor('float32', data, [n, n]) };
  const seconds = await timeBest(() => session.run(feeds));
  await session.release();
  return (2 * n ** 3) / seconds / 1e9;
}

async function networkSecondsPerMp(model: ResolvedModel, preferred: EpPreference): Promise<{ s: number; ep: ExecutionProviderInfo }> {
  const { session, executionProvider } = await getSession(model.onnxPath, { manifest: model.manifest, preferred });
  const t = model.manifest.io.preferredTileSize;
  const input = Float32Array.from({ length: 3 * t * t }, (_, i) => Math.sin(i * 0.01) * 0.8);
  const feeds = { [model.manifest.io.inputName]: new ort.Tensor('float32', input, [1, 3, t, t]) };
  const seconds = await timeBest(() => session.run(feeds));
  return { s: seconds / ((t * t) / 1e6), ep: executionProvider };
}

/** A photo-like JPEG (smoothed noise) of about `megapixels`, 4:3. */
async function syntheticPhoto(dir: string, megapixels: number): Promise<string> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  const file = path.join(dir, `bench-${megapixels}mp.jpg`);
  await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .blur(1.5)
    .jpeg({ quality: 92 })
    .toFile(file);
  return file;
}

export async function runBench(
  model: ResolvedModel,
  options: { sizes: number[]; preferred?: EpPreference; log?: (line: string) => void },
): Promise<BenchReport> {
  const preferred = options.preferred ?? 'auto';
  const log = options.log ?? (() => {});
  const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-bench-'));
  try {
    log(`roofline: ${MATMUL_N}² MatMul…`);
    const gflops = await matmulGflops(dir, preferred);
    log(`network: ${model.manifest.io.preferredTileSize}² tiles of "${model.manifest.id}"…`);
    const net = await networkSecondsPerMp(model, preferred);
    const gmac = model.manifest.gmacPerMegapixel ?? null;
    const gmacPerSecond = gmac === null ? null : gmac / net.s;
    const endToEnd: BenchReport['endToEnd'] = [];
    for (const mp of options.sizes) {
      log(`end to end: ${mp} MP photo…`);
      const file = await syntheticPhoto(dir, mp);
      const r = await deblurFile(file, { outPath: path.join(dir, 'out.jpg'), overwrite: true, modelId: model.manifest.id, preferredProvider: preferred });
      const realMp = (r.width * r.height) / 1e6;
      endToEnd.push({ megapixels: realMp, seconds: r.seconds, secondsPerMegapixel: r.seconds / realMp, overheadRatio: r.seconds / realMp / net.s, tiles: r.tiles });
    }
    return {
      machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${process.platform}-${process.arch}` },
      model: { id: model.manifest.id, placeholder: model.manifest.placeholder, gmacPerMegapixel: gmac, tileSize: model.manifest.io.preferredTileSize },
      executionProvider: net.ep,
      roofline: { matmulSize: MATMUL_N, gflops },
      network: { secondsPerMegapixel: net.s, gmacPerSecond, rooflineShare: gmacPerSecond === null ? null : (2 * gmacPerSecond) / gflops },
      endToEnd,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function benchMarkdown(r: BenchReport): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
  const lines = [
    `Machine: ${r.machine.cpuModel}, ${r.machine.cpus} threads, ${r.machine.platform}; EP: ${r.executionProvider.active}`,
    `Model: ${r.model.id}${r.model.placeholder ? ' (placeholder)' : ''}, tile ${r.model.tileSize}², ${r.model.gmacPerMegapixel ?? '?'} GMAC/MP`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| MatMul roofline (${r.roofline.matmulSize}²) | ${r.roofline.gflops.toFixed(1)} GFLOP/s |`,
    `| network time | ${r.network.secondsPerMegapixel.toFixed(3)} s/MP |`,
    `| network throughput | ${r.network.gmacPerSecond?.toFixed(2) ?? 'n/a'} GMAC/s (${pct(r.network.rooflineShare)} of roofline) |`,
    ...r.endToEnd.map(
      (e) => `| end to end, ${e.megapixels.toFixed(1)} MP | ${e.secondsPerMegapixel.toFixed(3)} s/MP (${e.overheadRatio.toFixed(2)}× network; ${pct(1 - 1 / e.overheadRatio)} outside it) |`,
    ),
    `| peak RSS | ${(r.peakRssBytes / 1024 ** 2).toFixed(0)} MiB |`,
  ];
  return lines.join('\n');
}
