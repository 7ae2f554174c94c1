import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Helpers for the CLI integration tests: run the real CLI as a child process. */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

export function sharedData(...parts: string[]): string {
  const p = path.resolve(repoRoot, '../shared/data', ...parts);
  if (!existsSync(p)) throw new Error(`Test data missing: ${p} (expected ../shared/data next to the repo)`);
  return p;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'model/src/cli/index.ts', ...args],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, UNSHAKE_DEBUG: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
