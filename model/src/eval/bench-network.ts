import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ort } from '../infer/ort.js';
import { getSession, type EpPreference } from '../infer/session-manager.js';
import { tileGeometry } from '../infer/tiler.js';
import type { ResolvedModel } from '../models/library.js';
import { timeMedian } from './bench-timing.js';
import { countMacs } from './onnx-macs.js';

/**
 * The network's own speed at each (tile size, thread count): one tile through session.run,
 * GMAC counted from the graph at that size. Tiles overlap (2 × margin + blend pixels are
 * computed twice), so the useful output per tile is smaller than the tile: the best tile is
 * the one with the lowest seconds per megapixel of *output*, not of input.
 */
export interface NetworkPoint {
  tileSize: number;
  threads: number;
  medianSeconds: number;
  runs: number;
  gmacPerTile: number;
  gmacPerSecond: number;
  /** Network GFLOP/s (2 × GMAC/s) over the MatMul roofline's GFLOP/s. */
  rooflineShare: number;
  /** Share of an interior tile's pixels that end up in the output. */
  usefulFraction: number;
  inputSecondsPerMegapixel: number;
  outputSecondsPerMegapixel: number;
}

export async function sweepNetwork(
  model: ResolvedModel,
  options: { tileSizes: number[]; threads: number[]; preferred: EpPreference; rooflineGflops: number; log: (line: string) => void; signal?: AbortSignal },
): Promise<NetworkPoint[]> {
  const { io } = model.manifest;
  const bytes = await readFile(model.onnxPath);
  const points: NetworkPoint[] = [];
  for (const threads of options.threads) {
    const { session } = await getSession(model.onnxPath, { manifest: model.manifest, preferred: options.preferred, threads });
    for (const requested of options.tileSizes) {
      // Each point takes up to 6 s: Ctrl-C is seen between them.
      options.signal?.throwIfAborted();
      const g = tileGeometry({ tileSize: requested, margin: io.receptiveFieldMargin, sizeMultiple: io.sizeMultiple });
      const t = g.tileSize;
      const feeds = { [io.inputName]: new ort.Tensor('float32', photoLikeInput(t, t), [1, 3, t, t]) };
      // Into a preallocated output, as the engine runs it (tile buffers, deblur.ts).
      const fetches = { [io.outputName]: new ort.Tensor('float32', new Float32Array(3 * t * t), [1, 3, t, t]) };
      // Up to 25 runs within the budget: five 256² runs span 0.2 s, and that point moved from 0.039
      // to 0.060 s between bench runs of the same code on this shared VM.
      const timing = await timeMedian(() => session.run(feeds, fetches), { runs: 25, budgetSeconds: 6 });
      const gmacPerTile = countMacs(bytes, t, t).macs / 1e9;
      const gmacPerSecond = gmacPerTile / timing.median;
      const usefulFraction = ((t - 2 * g.margin - g.blend) / t) ** 2;
      const inputSecondsPerMegapixel = timing.median / ((t * t) / 1e6);
      points.push({
        tileSize: t,
        threads,
        medianSeconds: timing.median,
        runs: timing.runs,
        gmacPerTile,
        gmacPerSecond,
        rooflineShare: (2 * gmacPerSecond) / options.rooflineGflops,
        usefulFraction,
        inputSecondsPerMegapixel,
        outputSecondsPerMegapixel: inputSecondsPerMegapixel / usefulFraction,
      });
      options.log(`  tile ${t}², ${threads} thread(s): ${timing.median.toFixed(3)} s, ${gmacPerSecond.toFixed(1)} GMAC/s`);
    }
  }
  return points;
}

export function bestPoint(points: NetworkPoint[]): NetworkPoint {
  return points.reduce((a, b) => (b.outputSecondsPerMegapixel < a.outputSecondsPerMegapixel ? b : a));
}

export interface GraphOptimisationPoint {
  level: 'disabled' | 'basic' | 'extended' | 'all' | 'all, loaded from cache';
  createSeconds: number;
  runSeconds: number;
}

/** Session creation and run time at each ORT graph optimisation level, and from the disk cache. */
export async function compareGraphOptimisation(model: ResolvedModel, dir: string, at: { tileSize: number; threads: number }): Promise<GraphOptimisationPoint[]> {
  const { io } = model.manifest;
  const t = at.tileSize;
  const feeds = { [io.inputName]: new ort.Tensor('float32', photoLikeInput(t, t), [1, 3, t, t]) };
  const cached = path.join(dir, 'optimised.onnx');
  const base = { executionProviders: ['cpu'], intraOpNumThreads: at.threads, interOpNumThreads: 1, executionMode: 'sequential' as const };
  const runs: { level: GraphOptimisationPoint['level']; file: string; options: ort.InferenceSession.SessionOptions }[] = [
    { level: 'disabled', file: model.onnxPath, options: { graphOptimizationLevel: 'disabled' } },
    { level: 'basic', file: model.onnxPath, options: { graphOptimizationLevel: 'basic' } },
    { level: 'extended', file: model.onnxPath, options: { graphOptimizationLevel: 'extended' } },
    { level: 'all', file: model.onnxPath, options: { graphOptimizationLevel: 'all', optimizedModelFilePath: cached } },
    { level: 'all, loaded from cache', file: cached, options: { graphOptimizationLevel: 'disabled' } },
  ];
  const out: GraphOptimisationPoint[] = [];
  for (const r of runs) {
    const started = performance.now();
    const session = await ort.InferenceSession.create(r.file, { ...base, ...r.options });
    const createSeconds = (performance.now() - started) / 1000;
    const timing = await timeMedian(() => session.run(feeds), { runs: 3, budgetSeconds: 4 });
    await session.release();
    out.push({ level: r.level, createSeconds, runSeconds: timing.median });
  }
  return out;
}

/** Smooth structure plus fine texture in [-1, 1], NCHW; values do not change dense-conv speed. */
export function photoLikeInput(width: number, height: number): Float32Array {
  const data = new Float32Array(3 * width * height);
  for (let i = 0; i < data.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width) % height;
    data[i] = 0.6 * Math.sin(x * 0.05 + y * 0.03) + 0.2 * Math.sin(i * 1.7);
  }
  return data;
}
