import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UnshakeError } from '../errors.js';
import type { DeblurFileOptions, DeblurFileResult } from '../infer/deblur-file.js';
import type { ChildRequest } from './bench-child.js';

/**
 * decode → deblur → encode of one photo in a fresh child process (see bench-child.ts), so its
 * peak RSS is its own. Ratios are relative to the network: `network` is the time inside
 * session.run during this run, `isolatedNetwork` the bench's single-tile time per megapixel.
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
  /** End-to-end ÷ the network's own per-MP time without tiling (the 1.15 target). */
  overIsolatedNetwork: number;
  maxRssBytes: number;
  accumulatorBytes: number;
}

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function endToEndInChild(input: string, options: DeblurFileOptions, isolatedSecondsPerMegapixel: number): Promise<EndToEndPoint> {
  const child = fileURLToPath(new URL(`./bench-child${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  // From source (npm run bench), the child needs tsx's loader too.
  const loader = child.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const request: ChildRequest = { input, options };
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [...loader, child, JSON.stringify(request)], { cwd: repoRoot, maxBuffer: 1 << 20 }));
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new UnshakeError('INTERNAL', `The bench run for ${path.basename(input)} failed: ${detail}`, { cause: error });
  }
  const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as DeblurFileResult & { maxRssBytes: number };
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
