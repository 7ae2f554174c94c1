import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ort } from '../infer/ort.js';
import type { ExecutionProviderInfo } from '../../../electron/common/ipc-contract.js';
import { getSession, type EpPreference } from '../infer/session-manager.js';
import { chooseTileSize } from '../infer/tile-size.js';
import type { ResolvedModel } from '../models/library.js';
import { endToEndInChild, type EndToEndPoint } from './bench-end-to-end.js';
import { bestPoint, compareGraphOptimisation, sweepNetwork, type GraphOptimisationPoint, type NetworkPoint } from './bench-network.js';
import { benchPhotoSource, photoLikeJpeg, photoLikePng16 } from './bench-photo.js';
import { matmulRoofline, type Roofline } from './bench-roofline.js';
import { benchTraining, type TrainingBench } from './bench-training.js';
import { untiledNetwork, type UntiledPoint } from './bench-untiled.js';

/**
 * Machine-relative speed and memory (issue 4): (a) MatMul roofline, (b) the network's GMAC/MP
 * and GMAC/s as a share of it over tile sizes × threads, (c) end-to-end s/MP and the share
 * outside the network, (d) peak RSS per photo size, each in its own process, (e) the EP.
 */
export interface BenchOptions {
  /** Photo sizes in megapixels for the end-to-end runs (8-bit JPEG → JPEG). */
  sizes: number[];
  /** Sizes for 16-bit PNG → PNG end-to-end runs: the raster and the file are twice as large. */
  sizes16?: number[];
  tileSizes?: number[];
  threads?: number[];
  preferred?: EpPreference;
  userModelsDir?: string;
  photosDir?: string;
  /** Also time fine-tuning steps per TF.js backend (default true). */
  training?: boolean;
  /** The VGG19 weights for the training steps' perceptual loss (default: ../shared/weights/vgg19-block3). */
  vggDir?: string;
  /** Where the inputs and outputs go. The caller made it and removes it, Ctrl-C included (bench-command.ts). */
  workDir: string;
  /** Ctrl-C: stops between measurements and ends the child process measuring. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface Target {
  value: number | null;
  target: number;
  met: boolean | null;
}

/**
 * One end-to-end run and the photo it ran on (reports before 16-bit runs lack bitDepth/format,
 * reports before the untiled reference lack overUntiledNetwork).
 */
export type BenchEndToEnd = EndToEndPoint & {
  bitDepth?: 8 | 16;
  format?: 'jpeg' | 'png';
  overUntiledNetwork?: number;
  /** Run at the sweep's best tile instead of the one the app picks (manifest + free memory). */
  sweepTile?: boolean;
};

export interface BenchReport {
  date: string;
  /** 1-minute load average before and after: numbers taken on a busy machine are not comparable. */
  loadAverage: { before: number; after: number };
  machine: { cpus: number; cpuModel: string; platform: string; totalMemoryBytes: number; onnxruntime: string };
  model: { id: string; name: string; placeholder: boolean; parameters: number; gmacPerMegapixel: number; manifestGmacPerMegapixel: number | null; receptiveFieldMargin: number };
  executionProvider: ExecutionProviderInfo;
  roofline: Roofline;
  network: {
    points: NetworkPoint[];
    best: NetworkPoint;
    /** The network alone on a whole image, run before and after the end-to-end photos. */
    untiled?: { before: UntiledPoint; after: UntiledPoint; secondsPerMegapixel: number };
  };
  graphOptimisation: GraphOptimisationPoint[];
  endToEnd: BenchEndToEnd[];
  targets: { endToEndOverNetwork: Target; rooflineShare: Target; peakRss100MpBytes: Target };
  training?: TrainingBench;
}

const DEFAULT_TILES = [256, 384, 512, 768, 1024];

export async function runBench(model: ResolvedModel, options: BenchOptions): Promise<BenchReport> {
  const preferred = options.preferred ?? 'auto';
  const log = options.log ?? (() => {});
  const cores = os.availableParallelism();
  const { signal } = options;
  // The photos come after the roofline and the sweep: a missing folder is said before them.
  if (options.sizes.length + (options.sizes16?.length ?? 0) > 0) await benchPhotoSource(options.photosDir);
  const loadBefore = os.loadavg()[0]!;
  const { workDir: dir } = options;
  log(`roofline: 2048² MatMul, ${cores} thread(s)…`);
  const roofline = await matmulRoofline(dir, { preferred, threads: cores });
  log(`network "${model.manifest.id}" over tile sizes × threads…`);
  const points = await sweepNetwork(model, {
    tileSizes: options.tileSizes ?? DEFAULT_TILES,
    threads: options.threads ?? [...new Set([1, cores])],
    preferred,
    rooflineGflops: roofline.gflops,
    log,
    ...(signal ? { signal } : {}),
  });
  const best = bestPoint(points);
  signal?.throwIfAborted();
  log(`graph optimisation levels at tile ${best.tileSize}²…`);
  const graphOptimisation = await compareGraphOptimisation(model, dir, best);
  const { executionProvider } = await getSession(model.onnxPath, { manifest: model.manifest, preferred, threads: best.threads });
  const untiledRun = () =>
    untiledNetwork(model, { megapixels: Math.max(...options.sizes, ...(options.sizes16 ?? []), 1), threads: best.threads, preferred, signal, log });
  signal?.throwIfAborted();
  log('network alone on a whole untiled image (own process)…');
  const untiledBefore = await untiledRun();
  log(`  ${untiledBefore.width}×${untiledBefore.height}: ${untiledBefore.secondsPerMegapixel.toFixed(3)} s/MP`);
  const endToEnd: BenchEndToEnd[] = [];
  const cases: { mp: number; bitDepth: 8 | 16; format: 'jpeg' | 'png'; sweepTile?: boolean }[] = [
    ...options.sizes.map((mp) => ({ mp, bitDepth: 8 as const, format: 'jpeg' as const })),
    ...(options.sizes16 ?? []).map((mp) => ({ mp, bitDepth: 16 as const, format: 'png' as const })),
  ];
  // Every photo runs at the tile the app picks (manifest, capped by free memory): what users
  // get. One sweep point decides the best tile and this VM is noisy, so when the sweep's best
  // differs the smallest photo runs once more at it, as a check on the manifest's choice.
  const appTile = chooseTileSize({ io: model.manifest.io });
  if (options.sizes.length > 0 && appTile !== best.tileSize) cases.push({ mp: Math.min(...options.sizes), bitDepth: 8, format: 'jpeg', sweepTile: true });
  for (const { mp, bitDepth, format, sweepTile } of cases) {
    log(`end to end: ${mp} MP photo-like ${bitDepth}-bit ${format.toUpperCase()} at ${sweepTile ? `the sweep's best tile ${best.tileSize}²` : `the app's tile ${appTile}²`} (own process)…`);
    const input = bitDepth === 16 ? await photoLikePng16(dir, mp, options.photosDir) : await photoLikeJpeg(dir, mp, options.photosDir);
    const point = await endToEndInChild(
      input,
      {
        outPath: path.join(dir, `out-${mp}-${bitDepth}.${format === 'jpeg' ? 'jpg' : 'png'}`),
        overwrite: true,
        modelId: model.manifest.id,
        userModelsDir: options.userModelsDir,
        ...(sweepTile ? { tileSize: best.tileSize } : {}),
        threads: best.threads,
        preferredProvider: preferred,
      },
      best.inputSecondsPerMegapixel,
      signal,
    );
    endToEnd.push({ ...point, bitDepth, format, ...(sweepTile ? { sweepTile: true } : {}) });
    log(`  ${point.seconds.toFixed(1)} s, ${point.secondsPerMegapixel.toFixed(3)} s/MP, ${(point.maxRssBytes / 2 ** 20).toFixed(0)} MiB peak`);
    await rm(input, { force: true });
  }
  log('network alone on a whole untiled image again (the machine may have drifted)…');
  const untiledAfter = await untiledRun();
  log(`  ${untiledAfter.width}×${untiledAfter.height}: ${untiledAfter.secondsPerMegapixel.toFixed(3)} s/MP`);
  const untiled = { before: untiledBefore, after: untiledAfter, secondsPerMegapixel: (untiledBefore.secondsPerMegapixel + untiledAfter.secondsPerMegapixel) / 2 };
  for (const e of endToEnd) e.overUntiledNetwork = e.secondsPerMegapixel / untiled.secondsPerMegapixel;
  const training = options.training === false ? undefined : await benchTraining(model.onnxPath, { log, vggDir: options.vggDir, signal });
  // The issue's target is for camera photos (8-bit JPEG) as the app runs them; 16-bit PNG runs
  // are reported beside it (their zlib encode alone is a quarter of the time and no engine work
  // can hide it), and so is the check at the sweep's tile.
  const worst = endToEnd
    .filter((e) => e.bitDepth !== 16 && !e.sweepTile)
    .reduce<number | null>((m, e) => Math.max(m ?? 0, e.overUntiledNetwork ?? Number.POSITIVE_INFINITY), null);
  // The 100 MP bound holds for every photo: the worse of the 8- and 16-bit runs counts.
  const bigPeak = endToEnd.filter((e) => e.megapixels >= 95).reduce<number | null>((m, e) => Math.max(m ?? 0, e.maxRssBytes), null);
  return {
    date: new Date().toISOString(),
    loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
    machine: {
      cpus: cores,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      platform: `${process.platform}-${process.arch}`,
      totalMemoryBytes: os.totalmem(),
      onnxruntime: ort.env.versions.common ?? 'unknown',
    },
    model: {
      id: model.manifest.id,
      name: model.manifest.name,
      placeholder: model.manifest.placeholder,
      parameters: model.manifest.parameters,
      gmacPerMegapixel: best.gmacPerTile / ((best.tileSize * best.tileSize) / 1e6),
      manifestGmacPerMegapixel: model.manifest.gmacPerMegapixel ?? null,
      receptiveFieldMargin: model.manifest.io.receptiveFieldMargin,
    },
    executionProvider,
    roofline,
    network: { points, best, untiled },
    graphOptimisation,
    endToEnd,
    targets: {
      endToEndOverNetwork: target(worst, 1.15, (v) => v <= 1.15),
      rooflineShare: target(best.rooflineShare, 0.4, (v) => v >= 0.4),
      peakRss100MpBytes: target(bigPeak, 2 * 1024 ** 3, (v) => v <= 2 * 1024 ** 3),
    },
    ...(training ? { training } : {}),
  };
}

function target(value: number | null, goal: number, ok: (v: number) => boolean): Target {
  return { value, target: goal, met: value === null ? null : ok(value) };
}
