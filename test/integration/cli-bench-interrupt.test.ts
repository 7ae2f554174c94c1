import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli-run.js';

/**
 * Ctrl-C during `npm run bench`: the bench's temp folder (inputs, outputs, ONNX files; 100 MP
 * photos with --full) is removed and the child process measuring is ended, even when the signal
 * reaches the bench's own process alone (kill <pid>, not the terminal's whole process group).
 */
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-bench-sigint-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/**
 * Whether `pid` still runs the bench child. On Linux its command line is checked too (a pid
 * reused meanwhile is not it); elsewhere signal 0 says whether the pid exists at all.
 */
function alive(pid: number, marker: string): boolean {
  if (existsSync('/proc')) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The line the bench prints once the untiled child runs, with that child's pid. */
const MEASURING = /^bench: {3}untiled \d+×\d+: measuring in its own process \(pid (\d+)\)…$/m;

// Windows has no SIGINT to send to one process (kill() there ends it outright).
describe.skipIf(process.platform === 'win32')('unshake bench interrupted', () => {
  it('SIGINT to the bench alone while a child measures: the child ends, the temp folder is removed, exit 130', async () => {
    const bench = spawn(
      process.execPath,
      ['--import', 'tsx', 'model/src/cli/index.ts', 'bench', '--model', 'placeholder', '--sizes', '0.1', '--tiles', '256', '--threads', '1', '--no-train', '--no-write', '--cpu'],
      { cwd: repoRoot, env: { ...process.env, UNSHAKE_DEBUG: '', TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let measuring: number | undefined;
    // SIGINT as soon as the bench says the untiled child runs: it runs for seconds, and if it
    // had finished already the bench would still stop at its next step (the checks hold).
    bench.stdout.resume();
    bench.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const pid = MEASURING.exec(stderr)?.[1];
      if (pid && measuring === undefined) {
        measuring = Number(pid);
        bench.kill('SIGINT');
      }
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      bench.on('error', reject);
      bench.on('close', (c, s) => resolve([c, s]));
    });
    try {
      expect(measuring, stderr).toBeDefined();
      expect(signal, stderr).toBeNull();
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/^stopping \(SIGINT\): ending the measurement in progress and removing the temporary files… \(Ctrl-C again to quit at once\)$/m);
      expect(stderr).toMatch(/^interrupted \(SIGINT\): the bench stopped; nothing more is measured or written, and its temporary folder .*unshake-bench-\w+ is removed\.$/m);
      expect(stderr).not.toMatch(/error \[/);
      expect((await readdir(tmp)).filter((n) => n.startsWith('unshake-bench-'))).toEqual([]);
      // The bench waits for the child's end before it exits.
      expect(alive(measuring!, 'bench-untiled-child')).toBe(false);
    } finally {
      // Without the fix the child goes on alone: it is not left running after the test.
      if (measuring && alive(measuring, 'bench-untiled-child')) process.kill(measuring, 'SIGKILL');
    }
  }, 120_000);
});
