import os from 'node:os';
import { roundUp } from '../infer/tiler.js';
import type { EpPreference } from '../infer/session-manager.js';
import type { ResolvedModel } from '../models/library.js';
import { runBenchChild } from './bench-run-child.js';
import type { UntiledRequest, UntiledResult } from './bench-untiled-child.js';

/**
 * The network's own time per megapixel with no engine around it: one session.run over a whole
 * 4:3 image (bench-untiled-child.ts). This is the reference for the end-to-end target:
 * everything the engine does on top — tiling (recomputed overlaps, gather and blend), decode,
 * colour, encode — must add ≤ 15 %. The image is as large as the biggest photo benched, but at
 * most what fits in a share of free memory (the base generator needs ≈ 0.9–1.1 KB/px untiled:
 * 7.6 GiB RSS at 9.4 MP, 12.7 GiB at 12 MP, measured), and never above 12 MP: per-pixel time is
 * flat from about 1 MP up (1.05–1.07 s/MP at 1, 3 and 12 MP, measured), so a bigger run adds
 * nothing but memory.
 */
export interface UntiledPoint extends UntiledResult {
  megapixels: number;
  secondsPerMegapixel: number;
}

const BYTES_PER_PIXEL = 1100;
const FREE_MEMORY_SHARE = 0.5;
const MAX_MEGAPIXELS = 12;

export function untiledSize(megapixels: number, sizeMultiple: number, freeBytes = os.freemem()): { width: number; height: number } {
  const fits = (freeBytes * FREE_MEMORY_SHARE) / BYTES_PER_PIXEL / 1e6;
  const mp = Math.max(0.25, Math.min(megapixels, MAX_MEGAPIXELS, fits));
  const width = roundUp(Math.round(Math.sqrt((mp * 1e6 * 4) / 3)), sizeMultiple);
  const height = roundUp(Math.round((width * 3) / 4), sizeMultiple);
  return { width, height };
}

export async function untiledNetwork(
  model: ResolvedModel,
  options: { megapixels: number; threads: number; preferred: EpPreference; signal?: AbortSignal | undefined; log?: (line: string) => void },
): Promise<UntiledPoint> {
  const { width, height } = untiledSize(options.megapixels, model.manifest.io.sizeMultiple);
  const request: UntiledRequest = { onnxPath: model.onnxPath, manifest: model.manifest, width, height, threads: options.threads, preferred: options.preferred };
  // Which process measures: a user watching top (or a test) can tell it from the bench itself.
  const started = (pid: number) => options.log?.(`  untiled ${width}×${height}: measuring in its own process (pid ${pid})…`);
  const r = await runBenchChild<UntiledResult>('bench-untiled-child', request, `of the untiled network at ${width}×${height}`, options.signal, started);
  const megapixels = (r.width * r.height) / 1e6;
  return { ...r, megapixels, secondsPerMegapixel: r.seconds / megapixels };
}
