import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UnshakeError } from '../errors.js';
import type { BackendName } from '../train/backend.js';
import type { TrainBenchResult } from '../train/bench-train.js';
import type { TrainChildRequest } from './bench-train-child.js';

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
  model: string;
  batch: number;
  rows: TrainingBenchRow[];
}

const BACKENDS: BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'cpu'];
const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The doubled crop has four times the pixels: run it only when 4 × the small step is under a minute. */
const BIG_STEP_BUDGET_S = 60;

type ChildReply = { ok: false; reason: string } | { ok: true; backend: string; software: boolean; result: TrainBenchResult };

async function inChild(request: TrainChildRequest): Promise<ChildReply> {
  const child = fileURLToPath(new URL(`./bench-train-child${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const loader = child.endsWith('.ts') ? ['--import', 'tsx'] : [];
  try {
    const { stdout } = await run(process.execPath, [...loader, child, JSON.stringify(request)], { cwd: repoRoot, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildReply;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new UnshakeError('INTERNAL', `The training bench on ${request.backend} failed: ${detail}`, { cause: error });
  }
}

export async function benchTraining(onnxPath: string, options: { batch?: number; size?: number; backends?: BackendName[]; vggDir?: string; log?: (line: string) => void } = {}): Promise<TrainingBench> {
  const batch = options.batch ?? 4;
  const small = options.size ?? 64;
  const log = options.log ?? (() => {});
  const rows: TrainingBenchRow[] = [];
  for (const backend of options.backends ?? BACKENDS) {
    const measure = (size: number, mode: 'full' | 'decoder') =>
      inChild({ backend, onnxPath, options: { size, batch, mode, steps: 2, firstStepSuffices: 20, ...(options.vggDir ? { vggDir: options.vggDir } : {}) } });
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
    if (first.result.secondsPerStep * 4 < BIG_STEP_BUDGET_S) {
      log(`  ${2 * small}², full…`);
      const big = await measure(2 * small, 'full');
      if (big.ok) results.push(big.result);
    }
    rows.push({ backend, available: true, reason: null, description: first.backend, software: first.software, results });
  }
  return { model: path.basename(onnxPath), batch, rows };
}
