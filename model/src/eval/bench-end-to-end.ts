import path from 'node:path';
import type { DeblurFileOptions, DeblurFileResult } from '../infer/deblur-file.js';
import type { ChildRequest } from './bench-child.js';
import { runBenchChild } from './bench-run-child.js';

/**
 * decode → deblur → encode of one photo in a fresh child process (see bench-child.ts), so its
 * peak RSS is its own. Ratios are relative to the network: `network` is the time inside
 * session.run during this run, `isolatedNetwork` the bench's best single-tile time per megapixel
 * (small tiles run faster per pixel in cache but only tiling reaches that speed, so this one is
 * informative; the target is measured against the untiled network, bench-untiled.ts).
 */
export interface EndToEndPoint {
  megapixels: number;
  seconds: number;
  secondsPerMegapixel: number;
  timings: DeblurFileResult['timings'];
  tiles: number;
  tileSize: number;
  /** Seconds in session.run per megapixel of the photo (overlap recomputation included). */
  networkSecondsPerMegapixel: number;
  /** End-to-end ÷ time inside the network in this run: decode, encode, tiling, blending. */
  overNetworkRun: number;
  /** End-to-end ÷ the network's per-MP time on its best single tile, every input pixel counted. */
  overIsolatedNetwork: number;
  maxRssBytes: number;
  accumulatorBytes: number;
}


export async function endToEndInChild(input: string, options: DeblurFileOptions, isolatedSecondsPerMegapixel: number, signal?: AbortSignal): Promise<EndToEndPoint> {
  const request: ChildRequest = { input, options };
  const r = await runBenchChild<DeblurFileResult & { maxRssBytes: number }>('bench-child', request, `for ${path.basename(input)}`, signal);
  const megapixels = (r.width * r.height) / 1e6;
  const secondsPerMegapixel = r.seconds / megapixels;
  return {
    megapixels,
    seconds: r.seconds,
    secondsPerMegapixel,
    timings: r.timings,
    tiles: r.tiles,
    tileSize: r.tileSize,
    networkSecondsPerMegapixel: r.timings.networkSeconds / megapixels,
    overNetworkRun: r.seconds / r.timings.networkSeconds,
    overIsolatedNetwork: secondsPerMegapixel / isolatedSecondsPerMegapixel,
    maxRssBytes: r.maxRssBytes,
    accumulatorBytes: r.accumulator.bytes,
  };
}
