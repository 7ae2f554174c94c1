import { copyFile, mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../model/src/models/manifest.js';
import { loadBestBackend } from '../../model/src/train/backend.js';
import { listInterruptedRuns } from '../../model/src/train/interrupted-runs.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { trainModel, type TrainEvent, type TrainOptions } from '../../model/src/train/trainer.js';
import { writeTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder, repoRoot } from '../unit/train/helpers.js';

/**
 * A stop while the photos are checked or the starting model is measured stops there (between
 * pairs, crops), not after the whole check; a new run leaves nothing, a resumed one its checkpoint.
 */
let work: string;
let options: Omit<TrainOptions, 'modelsDir' | 'outId'>;
const exists = (p: string) => stat(p).then(() => true, () => false);

beforeAll(async () => {
  await loadBestBackend({ candidates: ['cpu'] });
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-train-stop-early-'));
  await makeGoproPairsFolder(path.join(work, 'pairs'));
  const base = await writeTinyGenerator(work, 9);
  const manifestFile = path.join(repoRoot, 'model/weights/placeholder.manifest.json');
  await copyFile(manifestFile, base.replace(/\.onnx$/, '.manifest.json'));
  const baseManifest = JSON.parse(await readFile(manifestFile, 'utf8')) as ModelManifest;
  options = { baseOnnxPath: base, baseManifest, pairsDir: path.join(work, 'pairs'), steps: 3, crop: 32, batch: 1, weights: { perceptual: 0, adversarial: 0 }, validationCrop: 32 };
});

/** Runs with a stop asked at the first event `stopAt` matches; returns the events and the error. */
async function stoppedRun(modelsDir: string, outId: string, stopAt: (e: TrainEvent) => boolean, extra: Partial<TrainOptions> = {}) {
  const controller = new AbortController();
  const events: TrainEvent[] = [];
  const onEvent = (e: TrainEvent) => {
    events.push(e);
    if (stopAt(e)) controller.abort();
  };
  const error = await trainModel({ ...options, ...extra, modelsDir, outId, signal: controller.signal, onEvent }).then(() => null, (e: unknown) => e);
  return { events, error };
}

const NOTHING_KEPT = /was stopped before its first step: nothing was saved, so there is nothing to resume\.$/;

describe('a stop before the first step', () => {
  it('during the pair check: no further pair is checked, no run folder or interrupted run is left', async () => {
    const modelsDir = path.join(work, 'm-check');
    const { events, error } = await stoppedRun(modelsDir, 'check', (e) => e.type === 'checking' && e.checked === 1);
    expect(error).toMatchObject({ code: 'CANCELLED', message: expect.stringMatching(NOTHING_KEPT) });
    const checked = events.flatMap((e) => (e.type === 'checking' ? [`${e.checked}/${e.total}`] : []));
    expect(checked.at(-1)).toBe('1/3');
    expect(events.some((e) => e.type === 'data')).toBe(false);
    expect(await exists(runDirFor(modelsDir, 'check'))).toBe(false);
    expect(await listInterruptedRuns(modelsDir)).toEqual([]);
  });

  it('while the held-out crops are read or the starting model measured: stopped there, nothing kept', async () => {
    for (const [outId, stopAt] of [['data', (e: TrainEvent) => e.type === 'data'], ['baseline', (e: TrainEvent) => e.type === 'validation' && e.step === 0]] as const) {
      const modelsDir = path.join(work, `m-${outId}`);
      const { events, error } = await stoppedRun(modelsDir, outId, stopAt);
      expect(error, outId).toMatchObject({ code: 'CANCELLED', message: expect.stringMatching(NOTHING_KEPT) });
      // Not a step-0 checkpoint: an interrupted run with nothing trained is nothing to resume.
      expect(events.filter((e) => e.type === 'step' || e.type === 'checkpoint'), outId).toEqual([]);
      expect(await exists(runDirFor(modelsDir, outId)), outId).toBe(false);
      expect(await listInterruptedRuns(modelsDir), outId).toEqual([]);
    }
  });

  it('of a resumed run: its checkpoint stays as it was, and the message names its step', async () => {
    const modelsDir = path.join(work, 'm-resumed');
    const first = await stoppedRun(modelsDir, 'resumed', (e) => e.type === 'step' && e.step === 1);
    expect(first.error).toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('cancelled at step 1 of 3') });
    const again = await stoppedRun(modelsDir, 'resumed', (e) => e.type === 'checking' && e.checked === 1, { resume: true });
    expect(again.error).toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('was stopped before it went on; its checkpoint at step 1 is kept: continue with --resume --out resumed') });
    expect((await listInterruptedRuns(modelsDir)).map((r) => [r.id, r.step])).toEqual([['resumed', 1]]);
  });
});
