import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';

let work: string;
let args: string[];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-kill-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  const base = await writeTinyGenerator(work, 6);
  await copyFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), base.replace(/\.onnx$/, '.manifest.json'));
  args = [
    '--pairs', path.join(work, 'pairs'), '--base', base, '--models-dir', path.join(work, 'models'), '--out', 'killed-run',
    '--steps', '40', '--crop', '32', '--batch', '1', '--val-crop', '64', '--perceptual', '0', '--critic-width', '4', '--checkpoint-every', '2',
  ];
});

/** Start `unshake train` in its own process and SIGKILL it right after its second checkpoint. */
function runAndKill(): Promise<string> {
  const script = `import(${JSON.stringify(path.join(repoRoot, 'model/src/train/cli-train.ts'))}).then((m) => m.runTrainCommand(${JSON.stringify(args)}))`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/checkpoint @4 \(interval\)/.test(log)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(log) : reject(new Error(`trainer exited (${code}) before it was killed:\n${log}`))));
  });
}

describe('unshake train after a crash', () => {
  it('resumes from the last checkpoint of a SIGKILLed run and finishes', async () => {
    const log = await runAndKill();
    expect(log).toMatch(/step 4\/40/);
    const runDir = runDirFor(path.join(work, 'models'), 'killed-run');
    // With the lock of a process that is gone, which the resume takes over.
    expect((await readdir(runDir)).sort()).toEqual(['checkpoint.json', 'training.lock', 'weights-00000004.bin']);

    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await runTrainCommand([...args.map((a) => (a === '40' ? '6' : a)), '--resume']).finally(() => {
      spy.mockRestore();
      out.mockRestore();
    });
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/resumed at step 4/);
    expect(err).toMatch(/step 5\/6/);
    expect(err).not.toMatch(/step 4\/6/);
  });
});
