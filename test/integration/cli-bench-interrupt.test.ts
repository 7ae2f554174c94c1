import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/** Live processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      // Field 4 of stat is the parent's pid; the name in field 2 may hold spaces, hence after ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') found.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function alive(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('unshake bench interrupted', () => {
  it('SIGINT to the bench alone while a child measures: the child ends, the temp folder is removed, exit 130', async () => {
    const bench = spawn(
      process.execPath,
      ['--import', 'tsx', 'model/src/cli/index.ts', 'bench', '--model', 'placeholder', '--sizes', '0.1', '--tiles', '256', '--threads', '1', '--no-train', '--no-write', '--cpu'],
      { cwd: repoRoot, env: { ...process.env, UNSHAKE_DEBUG: '', TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let measuring: { pid: number; cmdline: string } | undefined;
    // The untiled child starts right after this line; its process is looked for until it shows (it runs for seconds).
    const lookForChild = () => {
      if (bench.exitCode !== null) return;
      measuring = childrenOf(bench.pid!).find((c) => c.cmdline.includes('bench-untiled-child'));
      if (measuring) bench.kill('SIGINT');
      else setTimeout(lookForChild, 10);
    };
    bench.stdout.resume();
    bench.stderr.on('data', (chunk: Buffer) => {
      const before = stderr;
      stderr += chunk.toString();
      if (!/^bench: network alone on a whole untiled image \(own process\)/m.test(before) && /^bench: network alone on a whole untiled image \(own process\)/m.test(stderr)) lookForChild();
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
      expect(alive(measuring!.pid, 'bench-untiled-child')).toBe(false);
    } finally {
      // Without the fix the child goes on alone: it is not left running after the test.
      if (measuring && alive(measuring.pid, 'bench-untiled-child')) process.kill(measuring.pid, 'SIGKILL');
    }
  }, 120_000);
});
