import { pathToFileURL } from 'node:url';
import { ort } from '../infer/ort.js';
import { getSession, type EpPreference } from '../infer/session-manager.js';
import type { ModelManifest } from '../models/manifest.js';
import { peakRssBytes } from './bench-child.js';
import { photoLikeInput } from './bench-network.js';

/**
 * Child-process entry: the network alone on one whole, untiled image — one session.run over all
 * of it, the same session options as the engine, output written into a preallocated tensor —
 * the reference the engine's end-to-end time is compared with. Its own process because ORT's
 * arena keeps the (GB-sized) activations for the life of the process.
 * argv[2]: JSON UntiledRequest. Prints one JSON line: UntiledResult.
 */
export interface UntiledRequest {
  onnxPath: string;
  manifest: ModelManifest;
  width: number;
  height: number;
  threads: number;
  preferred: EpPreference;
}

export interface UntiledResult {
  width: number;
  height: number;
  /** The warm run: the first one also pays for ORT's arena allocation (page faults). */
  seconds: number;
  firstSeconds: number;
  maxRssBytes: number;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as UntiledRequest;
  const { width, height, manifest } = request;
  const { session } = await getSession(request.onnxPath, { manifest, preferred: request.preferred, threads: request.threads });
  const { inputName, outputName } = manifest.io;
  const dims = [1, 3, height, width];
  const feeds = { [inputName]: new ort.Tensor('float32', photoLikeInput(width, height), dims) };
  const fetches = { [outputName]: new ort.Tensor('float32', new Float32Array(3 * width * height), dims) };
  const timed = async () => {
    const started = performance.now();
    await session.run(feeds, fetches);
    return (performance.now() - started) / 1000;
  };
  const firstSeconds = await timed();
  const seconds = await timed();
  const result: UntiledResult = { width, height, seconds, firstSeconds, maxRssBytes: peakRssBytes() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
