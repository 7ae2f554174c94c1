import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { deblurFile, type DeblurFileOptions } from '../infer/deblur-file.js';

/**
 * Child-process entry for one end-to-end bench run: peak RSS is per process, so each photo size
 * runs alone and neither the bench's own sessions nor earlier runs can hide or inflate its peak.
 * argv[2]: JSON { input, options }. Prints one JSON line: the deblurFile result + maxRssBytes.
 */
export interface ChildRequest {
  input: string;
  options: DeblurFileOptions;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
  const result = await deblurFile(request.input, request.options);
  const maxRssBytes = peakRssBytes();
  process.stdout.write(`${JSON.stringify({ ...result, maxRssBytes })}\n`);
}

/**
 * This process's own peak RSS. On Linux getrusage's maxRSS survives exec, so a child spawned
 * from the (large) bench process reports the parent's size at spawn; VmHWM belongs to the new
 * address space only. Other platforms fall back to maxRSS.
 */
export function peakRssBytes(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
