import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { loadCheckpoint } from '../../model/src/train/checkpoint.js';
import { runDirFor, type RunState } from '../../model/src/train/train-run.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';

/**
 * A models folder that cannot be written is found before the first step, and a checkpoint that
 * cannot be written is WRITE_FAILED in plain words, keeping the checkpoint before it. (Run as any
 * user: a folder under a file cannot be made even by root, and a folder where the checkpoint's
 * file must go cannot be written over. The read-only disk is a bind mount, so that test needs
 * root and is skipped for other users.)
 */
const isRoot = process.getuid?.() === 0;
let work: string;
let readOnly: string;
let mounted = false;
let o: Omit<TrainOptions, 'outId' | 'modelsDir'>;

beforeAll(async () => {
  await loadBestBackend({ candidates: ['cpu'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-write-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'model/weights/placeholder.manifest.json'), 'utf8')) as ModelManifest;
  o = {
    baseOnnxPath: await writeTinyGenerator(work, 4), baseManifest: manifest, pairsDir: path.join(work, 'pairs'),
    steps: 3, crop: 32, batch: 1, weights: { perceptual: 0, adversarial: 0 }, validationCrop: 32,
  };
  // A read-only disk: a read-only bind mount of an empty folder, tried by root only (no one else may mount).
  readOnly = path.join(work, 'read-only');
  mkdirSync(readOnly);
  if (isRoot) {
    try {
      execFileSync('mount', ['--bind', '-o', 'ro', readOnly, readOnly], { stdio: 'ignore' });
      mounted = true;
    } catch {
      mounted = false;
    }
  }
});
// Never throws: a busy mount is detached lazily (-l), and the work folder goes with or without it.
afterAll(async () => {
  if (mounted) {
    try {
      execFileSync('umount', ['-l', readOnly], { stdio: 'ignore' });
    } catch {
      // Still mounted: rm below may fail on it (busy); a test run is not failed for that.
    }
  }
  if (work) await rm(work, { recursive: true, force: true }).catch(() => {});
});

describe('a models folder that cannot be written', () => {
  it('is refused before any step, saying which folder and what to do', async () => {
    await writeFile(path.join(work, 'a-file'), '');
    const modelsDir = path.join(work, 'a-file', 'models');
    const events: TrainEvent[] = [];
    const error = await trainModel({ ...o, modelsDir, outId: 'ro', onEvent: (e) => events.push(e) }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({
      code: 'WRITE_FAILED',
      message: `Could not make the folder for the run’s checkpoints in ${runDirFor(modelsDir, 'ro')}: a folder on its path does not exist or is a file: create it or choose another folder.`,
    });
    expect(events).toEqual([]);
  });

  // Node's recursive mkdir says ENOENT there, which read as "a folder above it does not exist".
  it.skipIf(!isRoot)('on a read-only disk says so, though the folders to make do not exist yet', async (ctx) => {
    if (!mounted) ctx.skip();
    const modelsDir = path.join(readOnly, 'models');
    const error = await trainModel({ ...o, modelsDir, outId: 'ro' }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({
      code: 'WRITE_FAILED',
      message: `Could not make the folder for the run’s checkpoints in ${runDirFor(modelsDir, 'ro')}: it is on a read-only disk: choose a folder on a disk that can be written.`,
    });
  });

  it('at a checkpoint: WRITE_FAILED, and the checkpoint before it is kept and resumes', async () => {
    const modelsDir = path.join(work, 'm-full');
    const runDir = runDirFor(modelsDir, 'full');
    const blocked = path.join(runDir, 'weights-00000002.bin');
    // After the first checkpoint, something takes the place of the second one's file.
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'checkpoint' && e.step === 1) mkdirSync(blocked);
    };
    const error = await trainModel({ ...o, modelsDir, outId: 'full', checkpointEvery: 1, onEvent }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({
      code: 'WRITE_FAILED',
      message: `Could not save the checkpoint at step 2 in ${runDir}: a folder stands where a file must go: remove it. The checkpoint at step 1 is kept: once that is fixed, continue with --resume --out full.`,
    });
    expect((await loadCheckpoint<RunState>(runDir))?.state.step).toBe(1);
    expect(await readdir(runDir)).not.toContain('training.lock');
    await expect(stat(path.join(modelsDir, 'full'))).rejects.toThrow();
    await rmdir(blocked);
    const { summary } = await trainModel({ ...o, modelsDir, outId: 'full', resume: true });
    expect(summary.steps).toBe(3);
  });
});
