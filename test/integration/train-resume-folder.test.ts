import { copyFile, cp, mkdtemp, readFile, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrainCommand } from '../../model/src/train/cli-train.js';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { trainModel } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';
import { captureOutput } from './capture-output.js';

/**
 * --resume trains on the folder the run recorded: without --pairs it goes on with it (as the stop
 * message's command says), with another folder it is refused, naming both; a moved folder is taken.
 */
let work: string;
let common: (modelsDir: string) => string[];
let base: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-resume-folder-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  await cp(path.join(work, 'pairs'), path.join(work, 'other'), { recursive: true });
  base = await writeTinyGenerator(work, 4);
  await copyFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), base.replace(/\.onnx$/, '.manifest.json'));
  common = (modelsDir) => ['--base', base, '--models-dir', modelsDir, '--crop', '32', '--batch', '1', '--val-crop', '32', '--perceptual', '0', '--adversarial', '0'];
});

/** A run stopped after its first step (as Ctrl-C stops one): the error is the stop message. */
async function stoppedRun(modelsDir: string, pairs: string): Promise<string> {
  const controller = new AbortController();
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
  const error = await trainModel({
    baseOnnxPath: base, baseManifest: manifest, pairsDir: pairs, modelsDir, outId: 'intr', steps: 4, crop: 32, batch: 1,
    weights: { perceptual: 0, adversarial: 0 }, validationCrop: 32, signal: controller.signal, onEvent: (e) => e.type === 'step' && controller.abort(),
  }).then(() => null, (e: unknown) => e as Error);
  expect(error).toMatchObject({ code: 'CANCELLED' });
  return error!.message;
}

describe('--resume and the data folder', () => {
  it('goes on with the recorded folder as the stop message says, and refuses another one, naming both', async () => {
    const modelsDir = path.join(work, 'm-same');
    const message = await stoppedRun(modelsDir, path.join(work, 'pairs'));
    const suggested = /continue with (--resume --out \S+?)\.$/.exec(message)![1]!.split(' ');

    const other = await captureOutput(() => runTrainCommand([...common(modelsDir), ...suggested, '--pairs', path.join(work, 'other')]));
    expect(other.code).toBe(1);
    expect(other.err).toContain(
      `error [INVALID_REQUEST]: The interrupted run "intr" trained on ${path.join(work, 'pairs')} and measured its starting scores there, so it cannot continue on ${path.join(work, 'other')}.`,
    );
    expect(other.err).not.toMatch(/^step /m);

    // The command as printed: no --pairs.
    const { code, out, err } = await captureOutput(() => runTrainCommand([...common(modelsDir), ...suggested]));
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(err).toMatch(/^resumed at step 1$/m);
    expect(out).toContain('saved "intr"');
  });

  it('takes a moved folder (the recorded one is gone) and records where it is now', async () => {
    const modelsDir = path.join(work, 'm-moved');
    await cp(path.join(work, 'pairs'), path.join(work, 'before'), { recursive: true });
    await stoppedRun(modelsDir, path.join(work, 'before'));
    await rename(path.join(work, 'before'), path.join(work, 'after'));
    const { code, err } = await captureOutput(() => runTrainCommand([...common(modelsDir), '--resume', '--out', 'intr', '--pairs', path.join(work, 'after')]));
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    const summary = JSON.parse(await readFile(path.join(modelsDir, 'intr', 'training.json'), 'utf8')) as { data: { folder: string } };
    expect(summary.data.folder).toBe(path.join(work, 'after'));
  });
});
