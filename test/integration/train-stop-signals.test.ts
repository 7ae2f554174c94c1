import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDirFor } from '../../model/src/train/train-run.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { repoRoot, runCli } from './cli-run.js';

/**
 * SIGTERM (`timeout`, `systemctl stop`, a plain kill) and SIGHUP (a closed terminal, a dropped
 * ssh session) stop `unshake train` as Ctrl-C does: the step finishes, a checkpoint is saved,
 * the resume hint is printed, and the exit code is 128 + the signal's number.
 */
let work: string;
let base: string;
const modelsDir = () => path.join(work, 'models');
const common = () => [
  '--pairs', path.join(work, 'pairs'), '--base', base, '--models-dir', modelsDir(),
  '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0',
];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-signals-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  base = await writeTinyGenerator(work, 7);
  await copyFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), base.replace(/\.onnx$/, '.manifest.json'));
});

// Far more steps than run before the signal, so the run cannot finish first; one that outlives a failed test is killed.
const running = new Set<number>();
afterAll(() => running.forEach((pid) => process.kill(pid, 'SIGKILL')));

/** The CLI as its own node process (no npm in between); `signal` to it once its first step line is out. */
function trainAndSignal(out: string, signal: 'SIGTERM' | 'SIGHUP'): Promise<{ code: number | null; stderr: string }> {
  const args = ['--import', 'tsx', 'model/src/cli/index.ts', 'train', ...common(), '--out', out, '--steps', '100000', '--checkpoint-every', '100000'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, UNSHAKE_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child.pid!);
  let stderr = '';
  let sent = false;
  return new Promise((resolve, reject) => {
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && /^step 1\/100000 /m.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child.pid!);
      if (sent) resolve({ code, stderr });
      else reject(new Error(`train ended before step 1 (${code}):\n${stderr}`));
    });
  });
}

describe('unshake train stopped by SIGTERM or SIGHUP', () => {
  it('SIGTERM: finishes the step, saves a checkpoint, prints the resume hint, exits 143; --resume goes on from it', async () => {
    const r = await trainAndSignal('term', 'SIGTERM');
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/^Stopping after this step and saving a checkpoint \(SIGTERM\)…/m);
    const step = Number(/^checkpoint @(\d+) \(cancel\): /m.exec(r.stderr)?.[1]);
    expect(step, r.stderr).toBeGreaterThanOrEqual(1);
    expect(r.stderr).toContain(`stopped: Training of "term" was cancelled at step ${step} of 100000; a checkpoint was saved: continue with --resume --out term --models-dir ${modelsDir()} --base ${base}.`);
    // No lock left: the run ended as a stop, not as a kill.
    expect((await readdir(runDirFor(modelsDir(), 'term'))).sort()).toEqual(['checkpoint.json', `weights-${String(step).padStart(8, '0')}.bin`]);

    const resumed = await runCli(['train', ...common(), '--out', 'term', '--resume', '--steps', String(step + 1)]);
    expect(resumed.stderr).not.toMatch(/error \[/);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`^resumed at step ${step}$`, 'm'));
    expect(resumed.stderr).toMatch(new RegExp(`^step ${step + 1}/${step + 1} `, 'm'));
  });

  it('SIGHUP: the same stop, exit 129', async () => {
    const r = await trainAndSignal('hup', 'SIGHUP');
    expect(r.code, r.stderr).toBe(129);
    const step = Number(/^checkpoint @(\d+) \(cancel\): /m.exec(r.stderr)?.[1]);
    expect(step, r.stderr).toBeGreaterThanOrEqual(1);
    expect(r.stderr).toContain('stopped: Training of "hup" was cancelled at step');
  });
});
