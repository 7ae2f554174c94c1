import { pathToFileURL } from 'node:url';
import { defaultCriticWidth, describeBackend, loadBestBackend, type BackendName } from '../train/backend.js';
import { benchTrainStep, type TrainBenchOptions } from '../train/bench-train.js';

/**
 * Child-process entry for one training-step measurement on one TF.js backend: backends register
 * globally and some cannot be unloaded, so each runs alone. argv[2]: JSON TrainChildRequest.
 * Prints one JSON line: { ok: true, backend, result } or { ok: false, reason }.
 */
export interface TrainChildRequest {
  backend: BackendName;
  onnxPath: string;
  options: TrainBenchOptions;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as TrainChildRequest;
  // A backend that does not load, or whose step fails, is a row of the report with its reason
  // (one line: the message, not the stack), not the end of the bench.
  const fail = (error: unknown) => process.stdout.write(`${JSON.stringify({ ok: false, reason: firstLine(error) })}\n`);
  let choice;
  try {
    // 'accept': the bench measures whatever adapter WebGPU finds and says if it is software.
    choice = await loadBestBackend({ candidates: [request.backend], softwareAdapter: 'accept' });
  } catch (error) {
    fail(error);
    return;
  }
  let result;
  try {
    // The CLI's critic width for this backend, so the number is what a user waits.
    result = await benchTrainStep(request.onnxPath, { criticWidth: defaultCriticWidth(choice), ...request.options });
  } catch (error) {
    fail(error);
    return;
  }
  process.stdout.write(`${JSON.stringify({ ok: true, backend: describeBackend(choice), adapter: choice.adapter ?? null, software: choice.software ?? false, result })}\n`);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
