import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import { fineTune } from '../../model/src/train/fine-tune.js';
import { discardInterruptedRun, listInterruptedRuns } from '../../model/src/train/interrupted-runs.js';
import { datedId } from '../../model/src/train/model-name.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

/**
 * A run being trained is in use: a second trainer (CLI or app) on the same run is refused at
 * once, the app does not list it as interrupted nor resume or discard it; once its process is
 * gone (SIGKILL) its lock is stale and the run resumes. Without --out a second run on one day
 * gets the next free dated id.
 */
let work: string;
let base: string;
const common = (modelsDir: string) => ['--base', base, '--models-dir', modelsDir, '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0'];
let child: ChildProcess | null = null;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-lock-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  base = await writeTinyGenerator(work, 4);
  await copyFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), base.replace(/\.onnx$/, '.manifest.json'));
});
afterAll(() => {
  child?.kill('SIGKILL');
});

/** `unshake train` in its own process, left training once it has saved its first checkpoint. */
function trainingElsewhere(args: string[]): Promise<ChildProcess> {
  const script = `import(${JSON.stringify(path.join(repoRoot, 'model/src/train/cli-train.ts'))}).then((m) => m.runTrainCommand(${JSON.stringify(args)}))`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    proc.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/checkpoint @1 \(interval\)/.test(log)) resolve(proc);
    });
    proc.on('exit', (code) => reject(new Error(`trainer exited (${code}) before its first checkpoint:\n${log}`)));
  });
}

describe('a run being trained', () => {
  it('is refused to a second trainer, and to the app, until its process is gone', async () => {
    const modelsDir = path.join(work, 'm-live');
    const runDir = runDirFor(modelsDir, 'live');
    child = await trainingElsewhere([...common(modelsDir), '--pairs', path.join(work, 'pairs'), '--out', 'live', '--steps', '100000', '--checkpoint-every', '1']);
    const inUse = new RegExp(`^The training run “live” is being trained right now by another program \\(process ${child.pid}\\): wait for it to finish, or stop it first\\.`);

    // A second command-line run under the same name, new or resumed: refused before any step.
    for (const extra of [[], ['--resume']]) {
      const second = await captureOutput(() => runTrainCommand([...common(modelsDir), '--pairs', path.join(work, 'pairs'), '--out', 'live', '--steps', '3', ...extra]));
      expect(second.code).toBe(1);
      expect(second.err).toMatch(/error \[INVALID_REQUEST\]: The training run “live” is being trained right now by another program/);
      expect(second.err).not.toMatch(/^step /m);
    }
    // The app: not an interrupted run; Resume and Discard refused; its checkpoint untouched.
    expect((await listInterruptedRuns(modelsDir)).map((r) => r.id)).toEqual([]);
    await expect(discardInterruptedRun(modelsDir, 'live')).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(inUse) });
    const steps: string[] = [];
    const resume = fineTune({ kind: 'resume', runId: 'live', modelsDir }, { onProgress: (p) => steps.push(p.stage) });
    await expect(resume).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(inUse) });
    expect(steps.filter((s) => s.startsWith('Step'))).toEqual([]);
    expect(await readdir(runDir)).toContain('checkpoint.json');

    // Gone without a word (SIGKILL): its lock is stale, the run is interrupted and resumes.
    const exited = new Promise((resolve) => child!.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    child = null;
    expect((await listInterruptedRuns(modelsDir)).map((r) => r.id)).toEqual(['live']);
    const resumed = await captureOutput(() => runTrainCommand([...common(modelsDir), '--out', 'live', '--resume', '--steps', '3']));
    expect(resumed.err).not.toMatch(/error \[/);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('saved "live"');
  });

  it('without --out, a second run on the same day gets the next free dated id, not a refusal', async () => {
    const modelsDir = path.join(work, 'm-dated');
    const run = () => captureOutput(() => runTrainCommand([...common(modelsDir), '--pairs', path.join(work, 'pairs'), '--steps', '1']));
    const today = datedId('placeholder');
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.out).toContain(`saved "${today}"`);
    const second = await run();
    expect(second.err).not.toMatch(/error \[/);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`saved "${today}-2"`);
  });
});
