import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UnshakeError } from '../errors.js';
import { REPO_ROOT } from './repo-root.js';

const run = promisify(execFile);

/**
 * Runs a bench child module next to this file (`bench-child`, `bench-train-child`) in a fresh
 * Node process with `request` as JSON in argv[2], and parses the JSON line it prints last.
 * Each measurement gets its own process: peak RSS and TF.js backends are per process.
 * `signal` (the CLI's Ctrl-C) ends the child too: it would otherwise go on alone and write
 * into a temp folder the bench has removed; it is waited for, so none outlives the bench.
 * `onStart` gets the child's pid as soon as it runs (the bench says which process measures).
 */
export async function runBenchChild<T>(moduleName: string, request: unknown, what: string, signal?: AbortSignal, onStart?: (pid: number) => void): Promise<T> {
  const child = fileURLToPath(new URL(`./${moduleName}${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  // From source (npm run bench), the child needs tsx's loader too.
  const loader = child.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const running = run(process.execPath, [...loader, child, JSON.stringify(request)], { cwd: REPO_ROOT, maxBuffer: 1 << 20, ...(signal ? { signal } : {}) });
  if (running.child.pid !== undefined) onStart?.(running.child.pid);
  try {
    const { stdout } = await running;
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
  } catch (error) {
    // The abort only sends the child SIGTERM and rejects at once: its end is awaited here.
    if (signal?.aborted) {
      await exited(running.child);
      throw error;
    }
    throw new UnshakeError('INTERNAL', `The bench run ${what} failed: ${childFailure(error)}`, { cause: error });
  }
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');
}

/**
 * One line for a child that failed: its error's own line, not the stack under it nor the warnings
 * a backend printed before it (the whole stderr stays on the error's cause, for UNSHAKE_DEBUG).
 */
export function childFailure(error: unknown): string {
  const { stderr, code, signal } = error as { stderr?: string; code?: number | string; signal?: string };
  const lines = (stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const errorLine = lines.find((l) => /^(\w*Error|Unshake\w*)(\s*\[\w+\])?:/.test(l));
  const line = errorLine ?? lines.filter((l) => !l.startsWith('at ')).at(-1);
  const stripped = line?.replace(/^(\w*Error)(\s*\[\w+\])?:\s*/, '');
  if (stripped) return stripped;
  if (signal) return `its process was stopped by ${signal}`;
  return typeof code === 'number' ? `its process ended with exit code ${code}` : error instanceof Error ? error.message : String(error);
}
