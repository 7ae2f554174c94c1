import { spawn } from 'node:child_process';
import { copyFile, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import { listInterruptedRuns } from '../../model/src/train/interrupted-runs.js';
import { LOCK_FILE } from '../../model/src/train/run-lock.js';
import { runDirFor, trainingRunsDir } from '../../model/src/train/train-run.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

/**
 * What a stopped run leaves behind: no empty run folder when it had no checkpoint yet, and a run
 * stopped after its export (before its checkpoint was removed) or half-way through its export
 * is finished by --resume instead of being refused for ever.
 */
let work: string;
let base: string;
let options: Omit<TrainOptions, 'modelsDir' | 'outId'>;
const exists = (p: string) => stat(p).then(() => true, () => false);
const cliArgs = (modelsDir: string, out: string) => [
  '--pairs', path.join(work, 'pairs'), '--base', base, '--models-dir', modelsDir, '--out', out,
  '--steps', '2', '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0',
];

beforeAll(async () => {
  await loadBestBackend({ candidates: ['cpu'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-leftovers-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  base = await writeTinyGenerator(work, 9);
  const manifestFile = path.join(repoRoot, 'model/weights/placeholder.manifest.json');
  await copyFile(manifestFile, base.replace(/\.onnx$/, '.manifest.json'));
  const baseManifest = JSON.parse(await readFile(manifestFile, 'utf8')) as ModelManifest;
  options = { baseOnnxPath: base, baseManifest, pairsDir: path.join(work, 'pairs'), steps: 2, crop: 32, batch: 1, weights: { perceptual: 0, adversarial: 0 }, validationCrop: 32 };
});

/**
 * A run exactly as the process left it when killed between its export and removing its
 * checkpoint: the finished model plus the checkpoint it resumed from.
 */
async function finishedWithStaleCheckpoint(modelsDir: string, outId: string): Promise<void> {
  const controller = new AbortController();
  const onEvent = (e: TrainEvent) => e.type === 'step' && controller.abort();
  await expect(trainModel({ ...options, modelsDir, outId, signal: controller.signal, onEvent })).rejects.toMatchObject({ code: 'CANCELLED' });
  const aside = path.join(work, `${outId}-checkpoint`);
  await cp(runDirFor(modelsDir, outId), aside, { recursive: true });
  await trainModel({ ...options, modelsDir, outId, resume: true });
  await cp(aside, runDirFor(modelsDir, outId), { recursive: true });
}

describe('a run stopped before its first checkpoint', () => {
  it('leaves no run folder once the runs are next looked at (SIGKILL, real process)', async () => {
    const modelsDir = path.join(work, 'm-killed');
    const args = [...cliArgs(modelsDir, 'killed'), '--steps', '1000', '--checkpoint-every', '1000'];
    const script = `import(${JSON.stringify(path.join(repoRoot, 'model/src/train/cli-train.ts'))}).then((m) => m.runTrainCommand(${JSON.stringify(args)}))`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/^step 1\/1000 /m.test(log)) child.kill('SIGKILL');
      });
      child.on('exit', (_code, s) => resolve(s));
    });
    expect(signal, log).toBe('SIGKILL');
    // Only its lock, whose process is gone: not a run, and swept away when the runs are listed.
    expect(await readdir(runDirFor(modelsDir, 'killed'))).toEqual([LOCK_FILE]);
    expect(await listInterruptedRuns(modelsDir)).toEqual([]);
    expect(await exists(runDirFor(modelsDir, 'killed'))).toBe(false);
    expect(await exists(trainingRunsDir(modelsDir))).toBe(false);
  });
});

describe('--resume of a run stopped after its export', () => {
  it('says the run had finished, removes the stale checkpoint and keeps the model', async () => {
    const modelsDir = path.join(work, 'm-exported');
    await finishedWithStaleCheckpoint(modelsDir, 'done');
    const onnx = await readFile(path.join(modelsDir, 'done', 'model.onnx'));

    const { code, out, err } = await captureOutput(() => runTrainCommand([...cliArgs(modelsDir, 'done'), '--resume']));
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(out).toMatch(/^"done" had already finished \(2 steps on \w+\) when it was stopped; its leftover checkpoint was removed; held-out 1 pair\(s\)/m);
    expect(out).toContain(`saved "done" to ${path.join(modelsDir, 'done')}`);
    expect(await exists(trainingRunsDir(modelsDir))).toBe(false);
    expect(Buffer.compare(await readFile(path.join(modelsDir, 'done', 'model.onnx')), onnx)).toBe(0);
  });

  it('exports again when the export itself was cut short (no manifest yet)', async () => {
    const modelsDir = path.join(work, 'm-half');
    await finishedWithStaleCheckpoint(modelsDir, 'half');
    const dir = path.join(modelsDir, 'half');
    await rm(path.join(dir, 'half.manifest.json'));
    await writeFile(path.join(dir, 'training.json.123456789'), '{"half": '); // a write-file-atomic temp file

    const { code, out, err } = await captureOutput(() => runTrainCommand([...cliArgs(modelsDir, 'half'), '--resume']));
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(out).toContain('saved "half"');
    expect((await readdir(dir)).sort()).toEqual(['half.manifest.json', 'model.onnx', 'training.json']);
    expect(await exists(trainingRunsDir(modelsDir))).toBe(false);
  });
});
