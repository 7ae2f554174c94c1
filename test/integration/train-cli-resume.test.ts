import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

/** `unshake train --resume` without --out: it finds the interrupted run of the same base model. */
let work: string;
let baseOnnx: string;
let otherOnnx: string;
let options: Omit<TrainOptions, 'outId' | 'modelsDir'>;
const DAY_ONE = 'placeholder-finetuned-2020-01-01';
let cancelMessage: string;

const cli = (modelsDir: string, onnx = baseOnnx, extra: string[] = []) =>
  captureOutput(() =>
    runTrainCommand([
      '--pairs', path.join(work, 'pairs'), '--base', onnx, '--models-dir', modelsDir, '--steps', '2', '--crop', '32', '--batch', '1',
      '--val-crop', '32', '--perceptual', '0', '--adversarial', '0', '--resume', ...extra,
    ]),
  );

/** Start a run (as `unshake train` on an earlier day would) and cancel it after step 1. */
async function interrupted(modelsDir: string, outId: string, extra: Partial<TrainOptions> = {}): Promise<string> {
  const controller = new AbortController();
  const onEvent = (e: TrainEvent) => e.type === 'step' && controller.abort();
  const error = await trainModel({ ...options, ...extra, modelsDir, outId, signal: controller.signal, onEvent }).then(() => null, (e: unknown) => e as Error);
  expect(error).toMatchObject({ code: 'CANCELLED' });
  return error!.message;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-cli-resume-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  const manifestFile = path.join(repoRoot, 'model/weights/placeholder.manifest.json');
  baseOnnx = await writeTinyGenerator(work, 4);
  otherOnnx = await writeTinyGenerator(work, 5);
  for (const onnx of [baseOnnx, otherOnnx]) await copyFile(manifestFile, onnx.replace(/\.onnx$/, '.manifest.json'));
  options = {
    baseOnnxPath: baseOnnx,
    baseManifest: JSON.parse(await readFile(manifestFile, 'utf8')) as ModelManifest,
    pairsDir: path.join(work, 'pairs'),
    steps: 2,
    crop: 32,
    batch: 1,
    weights: { perceptual: 0, adversarial: 0 },
    validationCrop: 32,
  };
  // All interrupted runs first, on the CPU backend (the CLI then picks its own).
  await loadBestBackend({ candidates: ['cpu'] });
  cancelMessage = await interrupted(path.join(work, 'one'), DAY_ONE);
  await interrupted(path.join(work, 'two'), 'run-a');
  await interrupted(path.join(work, 'two'), 'run-b');
  await interrupted(path.join(work, 'three'), 'light');
  await interrupted(path.join(work, 'four'), 'every-2', { checkpointEvery: 2 });
});

describe('unshake train --resume without --out', () => {
  it('names the run to resume when it is cancelled', () => {
    expect(cancelMessage).toBe(`Training of "${DAY_ONE}" was cancelled at step 1 of 2; a checkpoint was saved: continue with --resume --out ${DAY_ONE}.`);
  });

  it('resumes the one interrupted run of this base model, whatever day it started', async () => {
    const { code, out, err } = await cli(path.join(work, 'one'));
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(new RegExp(`^resuming "${DAY_ONE}"$`, 'm'));
    expect(err).toMatch(/^resumed at step 1\nmode: full \(all weights\)\ncrop 32 px, critic width \d+$/m);
    expect(out).toContain(`saved "${DAY_ONE}" to ${path.join(work, 'one', DAY_ONE)}`);
  });

  it('asks for --out when several runs of this base model are interrupted, and ignores runs of other models', async () => {
    const several = await cli(path.join(work, 'two'));
    expect(several.code).toBe(1);
    expect(several.err).toContain(
      `error [INVALID_REQUEST]: There are 2 interrupted runs of "placeholder" in ${path.join(work, 'two', '.training')}: run-a, run-b. ` +
        'Say which one to resume with --out, e.g. --resume --out run-a.',
    );
    const other = await cli(path.join(work, 'two'), otherOnnx);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/There is no interrupted run of "placeholder" to resume in .*\.training \(run-a, run-b there started from another base model or are damaged; name one with --out to resume it\)\./);
    const chosen = await cli(path.join(work, 'two'), baseOnnx, ['--out', 'run-b']);
    expect(chosen.err).not.toMatch(/error \[/);
    expect(chosen.out).toContain('saved "run-b"');
  });

  it('`--resume` alone keeps the batch, steps, loss weights and held-out crop the run started with; a different one is a usage error (2)', async () => {
    const bare = (extra: string[]) =>
      captureOutput(() => runTrainCommand(['--pairs', path.join(work, 'pairs'), '--base', baseOnnx, '--models-dir', path.join(work, 'three'), '--resume', '--out', 'light', ...extra]));
    const changed = await bare(['--batch', '4']);
    expect(changed.code).toBe(2);
    expect(changed.err).toContain('error [INVALID_REQUEST]: The interrupted run "light" was started with --batch 1 and cannot continue with --batch 4.');

    const { code, out, err } = await bare([]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/^batch 1, 2 steps, learning rate 0\.0001, loss weights L1 100 \/ perceptual 0 \/ adversarial 0, held-out crops ≤ 32 px, checkpoint every 100 steps$/m);
    expect(err).toMatch(/^step 2\/2 {2}total [\d.e+-]+ {2}l1 [\d.e+-]+ {2}/m);
    expect(err).not.toMatch(/^step .*(critic|adversarial|perceptual)/m);
    // Base and fine-tuned scores on the same crops.
    // The time is this session's, so it says how many steps ran in it.
    expect(out).toMatch(/fine-tuned to step 2 on .*: 1 step in \S+ after resuming at step 1; held-out 1 pair\(s\), centre crops ≤ 32 px/);
  });

  it('`--resume` keeps the run\'s --checkpoint-every (2 here, not the default 100)', async () => {
    const { code, err } = await captureOutput(() =>
      runTrainCommand(['--pairs', path.join(work, 'pairs'), '--base', baseOnnx, '--models-dir', path.join(work, 'four'), '--resume', '--out', 'every-2', '--steps', '4']),
    );
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/^resumed at step 1$/m);
    expect(err).toMatch(/, checkpoint every 2 steps$/m);
    expect(err).toMatch(/^checkpoint @2 \(interval\): /m);
  });
});
