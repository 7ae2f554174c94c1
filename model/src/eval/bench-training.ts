import path from 'node:path';
import type { BackendName } from '../train/backend.js';
import type { TrainBenchResult } from '../train/bench-train.js';
import type { TrainChildRequest } from './bench-train-child.js';
import { childFailure, runBenchChild } from './bench-run-child.js';

/**
 * Fine-tuning speed per TF.js backend (issue 6): seconds per batch-4 training step of the model
 * with the default losses (L1 + VGG19 perceptual + WGAN-GP critic), at 64² for every backend that
 * loads here, in full and decoder-only mode, and at 128² where a 64² step suggests a 128² step
 * stays under a minute. Each measurement runs in its own process.
 */
export interface TrainingBenchRow {
  backend: BackendName;
  available: boolean;
  /** Why it could not load, when unavailable. */
  reason: string | null;
  /** The chain's description ("webgpu on … (software renderer)"). */
  description: string | null;
  software: boolean;
  results: TrainBenchResult[];
}

export interface TrainingBench {
  /** When these steps were timed (absent in reports before 2026-12-01). */
  date?: string;
  model: string;
  batch: number;
  rows: TrainingBenchRow[];
}

const BACKENDS: BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'cpu'];
/** The doubled crop has four times the pixels: run it only when 4 × the small step is under a minute. */
const BIG_STEP_BUDGET_S = 60;

type ChildReply = { ok: false; reason: string } | { ok: true; backend: string; software: boolean; result: TrainBenchResult };

/** A child that crashed (a native abort, out of memory) is a failed measurement, not the end of the bench; Ctrl-C is. */
async function inChild(request: TrainChildRequest, signal?: AbortSignal): Promise<ChildReply> {
  try {
    return await runBenchChild<ChildReply>('bench-train-child', request, `of training on ${request.backend}`, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    return { ok: false, reason: childFailure((error as { cause?: unknown }).cause ?? error) };
  }
}

export interface BenchTrainingOptions {
  batch?: number;
  size?: number;
  backends?: BackendName[];
  vggDir?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export async function benchTraining(onnxPath: string, options: BenchTrainingOptions = {}): Promise<TrainingBench> {
  const batch = options.batch ?? 4;
  const small = options.size ?? 64;
  const log = options.log ?? (() => {});
  const rows: TrainingBenchRow[] = [];
  for (const backend of options.backends ?? BACKENDS) {
    const measure = (size: number, mode: 'full' | 'decoder') =>
      inChild({ backend, onnxPath, options: { size, batch, mode, steps: 2, firstStepSuffices: 20, ...(options.vggDir ? { vggDir: options.vggDir } : {}) } }, options.signal);
    log(`training step on ${backend}, ${small}², full…`);
    const first = await measure(small, 'full');
    if (!first.ok) {
      log(`  ${backend}: ${first.reason}`);
      rows.push({ backend, available: false, reason: first.reason, description: null, software: false, results: [] });
      continue;
    }
    const results = [first.result];
    log(`  ${first.result.secondsPerStep.toFixed(2)} s/step; decoder-only mode…`);
    const decoder = await measure(small, 'decoder');
    if (decoder.ok) results.push(decoder.result);
    else log(`  decoder-only: ${decoder.reason}`);
    if (first.result.secondsPerStep * 4 < BIG_STEP_BUDGET_S) {
      log(`  ${2 * small}², full…`);
      const big = await measure(2 * small, 'full');
      if (big.ok) results.push(big.result);
      else log(`  ${2 * small}²: ${big.reason}`);
    }
    rows.push({ backend, available: true, reason: null, description: first.backend, software: first.software, results });
  }
  return { date: new Date().toISOString(), model: path.basename(onnxPath), batch, rows };
}
