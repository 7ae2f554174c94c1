import { execFile } from 'node:child_process';
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
 */
export async function runBenchChild<T>(moduleName: string, request: unknown, what: string): Promise<T> {
  const child = fileURLToPath(new URL(`./${moduleName}${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  // From source (npm run bench), the child needs tsx's loader too.
  const loader = child.endsWith('.ts') ? ['--import', 'tsx'] : [];
  try {
    const { stdout } = await run(process.execPath, [...loader, child, JSON.stringify(request)], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new UnshakeError('INTERNAL', `The bench run ${what} failed: ${detail}`, { cause: error });
  }
}
