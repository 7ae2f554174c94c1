import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

/**
 * Ctrl-C on `npm run train`, as a terminal sends it: SIGINT to the whole foreground process
 * group (npm, its script shell, node). The run must stop after the step it is in, save a
 * checkpoint and exit 130, and `--resume` must continue from that checkpoint.
 */
let work: string;
let args: string[];
const modelsDir = () => path.join(work, 'models');

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-ctrl-c-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  // The shipped base model, not a tiny test network: its steps keep the event loop busy for
  // longer than the 30 ms the `tsx` launcher gave node before it SIGKILLed it. Far more steps
  // than can run before the signal lands, and no interval checkpoint: the only checkpoint is
  // the one Ctrl-C asks for.
  args = [
    '--pairs', path.join(work, 'pairs'), '--base', 'unshake-base', '--models-dir', modelsDir(), '--steps', '1000000', '--checkpoint-every', '1000000',
    '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0',
  ];
});

// A run that outlives a failed test would train for a million steps: its group is killed.
const running = new Set<number>();
afterAll(() => running.forEach((pid) => process.kill(-pid, 'SIGKILL')));

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** `npm run -s train -- …` in its own process group; one SIGINT to the group once step 1 is done. */
function npmTrainAndCtrlC(out: string, scriptShell?: string): Promise<Stopped> {
  const env = { ...process.env, UNSHAKE_DEBUG: '', ...(scriptShell ? { npm_config_script_shell: scriptShell } : {}) };
  const child = spawn('npm', ['run', '-s', 'train', '--', ...args, '--out', out], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child.pid!);
  child.on('close', () => running.delete(child.pid!));
  let stderr = '';
  let sent = false;
  return new Promise((resolve, reject) => {
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const step1 = /^step 1\/1000000 .* (?:([\d.]+) s\/step|([\d.]+) steps\/s)/m.exec(stderr);
      if (!sent && step1) {
        sent = true;
        // Half a step later, so the signal lands while step 2 keeps node busy (right after a
        // progress line the trainer is between steps and answers at once). Any moment must do:
        // this only aims at the moment the old launcher got wrong.
        const stepSeconds = step1[1] ? Number(step1[1]) : 1 / Number(step1[2]);
        setTimeout(() => process.kill(-child.pid!, 'SIGINT'), stepSeconds * 500);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => (sent ? resolve({ code, signal, stderr }) : reject(new Error(`train ended before step 1 (${code}):\n${stderr}`))));
  });
}

/** The cancelled run's checkpoint step and the options its hint says to resume with, after checking what the CLI said and left on disk. */
async function checkpointed(r: Stopped, out: string): Promise<{ step: number; suggested: string[] }> {
  expect(r.stderr).toMatch(/^Stopping after this step and saving a checkpoint… \(Ctrl-C again to stop at once without saving\)$/m);
  const step = Number(/^checkpoint @(\d+) \(cancel\): /m.exec(r.stderr)?.[1]);
  expect(step, r.stderr).toBeGreaterThanOrEqual(1);
  // The run is in a --models-dir of its own and from a named --base: the hint must say both, or
  // typing it looks in the default models folder.
  const hint = `--resume --out ${out} --models-dir ${modelsDir()} --base unshake-base`;
  expect(r.stderr).toContain(`stopped: Training of "${out}" was cancelled at step ${step} of 1000000; a checkpoint was saved: continue with ${hint}.`);
  expect(r.stderr).not.toMatch(/Stopped at once/);
  // 130 as a shell sees it: node exits 130, and npm either passes that on or, having had the
  // SIGINT itself, re-raises it once its script is done.
  expect(r.code ?? 128 + os.constants.signals[r.signal!]).toBe(130);
  expect((await readdir(runDirFor(modelsDir(), out))).sort()).toEqual(['checkpoint.json', `weights-${String(step).padStart(8, '0')}.bin`]);
  return { step, suggested: hint.split(' ') };
}

describe('Ctrl-C on `npm run train` (real npm, SIGINT to the process group)', () => {
  it('stops after the step, saves a checkpoint, and --resume continues from it', async () => {
    const { step, suggested } = await checkpointed(await npmTrainAndCtrlC('ctrl-c'), 'ctrl-c');

    // The hint as typed, and a new total: nothing else from the first command line.
    const resumed = await captureOutput(() => runTrainCommand([...suggested, '--steps', String(step + 2)]));
    expect(resumed.err).not.toMatch(/error \[/);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(new RegExp(`^resumed at step ${step}$`, 'm'));
    expect(resumed.err).toMatch(new RegExp(`^step ${step + 1}/${step + 2} `, 'm'));
    expect(resumed.err).not.toMatch(new RegExp(`^step ${step}/`, 'm'));
    expect(resumed.out).toContain(`saved "ctrl-c" to ${path.join(modelsDir(), 'ctrl-c')}`);
  });

  it('takes the SIGINT npm relays once more (a script shell that execs node) as the same Ctrl-C', async () => {
    await checkpointed(await npmTrainAndCtrlC('relayed', '/bin/bash'), 'relayed');
  });
});
