import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINAL_TRAINING_STAGE, type InterruptedRunInfo } from '../../electron/common/training.js';
import type { JobSnapshot } from '../../electron/common/job-state.js';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import { TRAINING_ENGINE_OPTIONS } from '../../electron/main/engine/process-engine.js';
import { startServices, type Services } from '../../electron/main/services/start-services.js';
import { createConfSettingsStore } from '../../electron/main/settings/conf-settings.js';
import { runDirFor } from '../../model/src/train/train-run.js';
import { installTinyGenerator } from '../fixtures/tiny-generator.js';
import { makeGoproPairsFolder } from '../unit/train/helpers.js';
import { followJob, jobEnd, ok, sharedPhoto, startTestServices } from './worker-helpers.js';

/** A tiny generator with the base model's ops, installed in the user's models folder. */
const installTinyModel = (modelsDir: string): Promise<void> => installTinyGenerator(modelsDir, 'tiny', 'Tiny', 5);

const SMALL = { crop: 32, batch: 1, perceptualWeight: 0, criticWidth: 4 };

/** Resolves with the first update of the job that `matches`. */
function firstUpdate(services: Services, jobId: string, matches: (job: JobSnapshot) => boolean): Promise<JobSnapshot> {
  return new Promise((resolve) => {
    const off = services.onJobUpdate((job) => {
      if (job.id === jobId && matches(job)) {
        off();
        resolve(job);
      }
    });
  });
}

describe('training runs through the services, with the real training process', () => {
  it('quitting mid-run saves it at the step it reached; the next start lists it; an older checkpoint without its folder is refused with a way out; a damaged one can be discarded', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-quit');
    const modelsDir = path.join(userDataDir, 'models');
    await installTinyModel(modelsDir);
    await makeGoproPairsFolder(path.join(workDir, 'pairs'));
    // Every stage shown, from before the run is queued: the pair check counts its pairs.
    const stages: string[] = [];
    services.onJobUpdate((job) => {
      if (job.state.status === 'running') stages.push(job.state.progress.stage);
    });
    const started = ok<{ jobId: string; runId: string }>(
      await services.dispatch('train:start', { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'Quit mid-run', steps: 500, settings: SMALL }),
    );
    expect(started.runId).toBe('quit-mid-run');
    const stepping = await firstUpdate(services, started.jobId, (job) => job.state.status === 'running' && /^Step [3-9] of 500/.test(job.state.progress.stage));
    expect(stages.filter((s) => s.startsWith('Checking the photos')).at(-1)).toMatch(/^Checking the photos: [1-3] of 3 pairs$/);
    expect(stepping.state.status === 'running' && stepping.state.progress.detail?.[0]).toMatch(/^Training on /);
    // What closing the window asks about.
    expect(services.trainingUnderWay()).toBe(true);
    await services.close();

    const checkpoint = JSON.parse(await readFile(path.join(runDirFor(modelsDir, 'quit-mid-run'), 'checkpoint.json'), 'utf8')) as { state: { step: number; folder: string; baseId: string } };
    expect(checkpoint.state.step).toBeGreaterThanOrEqual(3);
    expect(checkpoint.state).toMatchObject({ folder: path.join(workDir, 'pairs'), baseId: 'tiny' });

    // An older version recorded neither the folder nor the base model.
    const { state } = checkpoint as { state: Record<string, unknown> };
    delete state.folder;
    delete state.baseId;
    await writeFile(path.join(runDirFor(modelsDir, 'quit-mid-run'), 'checkpoint.json'), JSON.stringify(checkpoint));

    const again = await startServices({
      userDataDir,
      engine: createChildProcessEngine(),
      trainingEngine: createChildProcessEngine(TRAINING_ENGINE_OPTIONS),
      settings: createConfSettingsStore(userDataDir),
      appVersion: '0.0.0-test',
    });
    try {
      const { interrupted: runs } = ok<{ interrupted: InterruptedRunInfo[] }>(await again.dispatch('train:runs', {}));
      expect(runs).toEqual([{ id: 'quit-mid-run', name: 'Quit mid-run', step: checkpoint.state.step, steps: 500, source: 'pairs', folder: null, folderGone: false, baseModelId: null, damaged: false }]);
      const resumed = ok<{ jobId: string }>(await again.dispatch('train:resume', { runId: 'quit-mid-run' }));
      const end = (await followJob(again, resumed.jobId)).at(-1)!;
      expect(end.state).toMatchObject({ status: 'failed', error: { code: 'INVALID_REQUEST' } });
      expect(end.state.status === 'failed' && end.state.error.message).toContain('so the app cannot resume it: discard it, or resume it with the command-line trainer (train --resume --out quit-mid-run');
      // A checkpoint cut short is listed as damaged, and can still be discarded, which removes it.
      await writeFile(path.join(runDirFor(modelsDir, 'quit-mid-run'), 'checkpoint.json'), '{"version": 1, "state": {"st');
      const [damaged] = ok<{ interrupted: InterruptedRunInfo[] }>(await again.dispatch('train:runs', {})).interrupted;
      expect(damaged).toMatchObject({ id: 'quit-mid-run', damaged: true, folder: null });
      ok(await again.dispatch('train:discard', { runId: 'quit-mid-run' }));
      expect(ok<{ interrupted: InterruptedRunInfo[] }>(await again.dispatch('train:runs', {}))).toEqual({ interrupted: [], underWay: [], stopped: [] });
    } finally {
      await again.close();
    }
  });

  it('trains on sharp-only photos too: the data line names the synthetic shake, the model joins the library', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-sharp');
    try {
      await installTinyModel(path.join(userDataDir, 'models'));
      const sharpDir = path.join(workDir, 'sharp');
      await mkdir(sharpDir);
      for (const name of ['101085.jpg', '102061.jpg', '108005.jpg']) await copyFile(sharedPhoto(`photos-extra/CBSD68/${name}`), path.join(sharpDir, name));
      const started = ok<{ jobId: string }>(
        await services.dispatch('train:start', { baseModelId: 'tiny', source: 'sharp', folder: sharpDir, name: 'Sharp only', steps: 2, settings: SMALL }),
      );
      const updates = await followJob(services, started.jobId);
      const end = updates.at(-1)!;
      expect(end.state).toMatchObject({ status: 'done', model: { modelId: 'sharp-only', name: 'Sharp only', steps: 2 } });
      const details = updates.flatMap((u) => (u.state.status === 'running' ? (u.state.progress.detail ?? []) : []));
      expect(details).toContain('3 sharp photos with synthetic camera shake: 2 for training, 1 held out');
      // The photos are counted as they are checked, in the words the pairs are counted in.
      const stages = updates.flatMap((u) => (u.state.status === 'running' ? [u.state.progress.stage] : []));
      expect(stages.filter((s) => s.startsWith('Checking the photos')).at(-1)).toMatch(/^Checking the photos: [1-3] of 3$/);
      expect(ok<{ models: { id: string }[] }>(await services.dispatch('models:list', {})).models.map((m) => m.id)).toContain('sharp-only');
    } finally {
      await services.close();
    }
  });

  it('one pair trains and measures progress on itself: every line and the finished model say so, none calls it held out', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-one-pair');
    try {
      await installTinyModel(path.join(userDataDir, 'models'));
      await makeGoproPairsFolder(path.join(workDir, 'one'), 1);
      const started = ok<{ jobId: string }>(
        await services.dispatch('train:start', { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'one'), name: 'One pair', steps: 1, settings: SMALL }),
      );
      const updates = await followJob(services, started.jobId);
      const end = updates.at(-1)!;
      expect(end.state).toMatchObject({ status: 'done', model: { modelId: 'one-pair', scores: { heldOut: false } } });
      const details = [...new Set(updates.flatMap((u) => (u.state.status === 'running' ? (u.state.progress.detail ?? []) : [])))];
      // The data line may go on to name the pair as used as it is (a 96-px crop: too little detail to line up).
      expect(details).toContainEqual(expect.stringMatching(/^1 pair: 1 for training, the same 1 to measure progress \(not held out\)(;|$)/));
      expect(details).toContainEqual(expect.stringMatching(/^Only one valid pair: .* Its scores are measured on the training photos themselves: not a fair test, /));
      expect(details).toContainEqual(expect.stringMatching(/^PSNR on the training photos themselves: blurred \d+\.\d\d dB, starting model /));
      expect(details.join('\n')).not.toMatch(/held out to|Held-out/);
    } finally {
      await services.close();
    }
  });

  it('a stopping run: a resume and a discard clicked together do not both go ahead; its name is not taken twice', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-races');
    try {
      await installTinyModel(path.join(userDataDir, 'models'));
      await makeGoproPairsFolder(path.join(workDir, 'pairs'));
      const request = { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'Race', steps: 500, settings: SMALL };
      const stepping = async (jobId: string) => firstUpdate(services, jobId, (job) => job.state.status === 'running' && /^Step \d+ of 500/.test(job.state.progress.stage));
      const first = ok<{ jobId: string; runId: string }>(await services.dispatch('train:start', request));
      await stepping(first.jobId);
      ok(await services.dispatch('job:cancel', { jobId: first.jobId }));
      // Started again under its name while it is still writing its checkpoint.
      expect(await services.dispatch('train:start', request)).toMatchObject({
        ok: false,
        error: { code: 'OUTPUT_EXISTS', message: expect.stringContaining('An interrupted training run “Race” already uses that name') },
      });
      const [resumed, again, discarded] = await Promise.all([
        services.dispatch('train:resume', { runId: 'race' }),
        services.dispatch('train:start', request),
        services.dispatch('train:discard', { runId: 'race' }),
      ]);
      const { jobId } = ok<{ jobId: string }>(resumed);
      // Refused either way: the interrupted run has the name, or its resume is training under it.
      expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^(An interrupted training run “Race” already uses that name|A run named “Race” is training now)/) } });
      expect(discarded).toMatchObject({ ok: false, error: { message: 'That training run is already under way; stop it first.' } });
      // The resumed run goes on from the checkpoint the discard did not delete.
      await stepping(jobId);
      // Under way: not offered to resume, but named so a reloaded window finds it.
      expect(ok<{ interrupted: unknown[]; underWay: string[] }>(await services.dispatch('train:runs', {}))).toMatchObject({ interrupted: [], underWay: [jobId] });
      ok(await services.dispatch('job:cancel', { jobId }));
      expect(ok<{ discarded: boolean }>(await services.dispatch('train:discard', { runId: 'race' }))).toEqual({ discarded: true });
      expect(services.trainingUnderWay()).toBe(false);
      expect(await services.dispatch('train:resume', { runId: 'race' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('no longer there') } });
    } finally {
      await services.close();
    }
  });

  it('a stop while the photos are checked ends the run there: nothing is kept, and the list says so', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-stop-check');
    try {
      const modelsDir = path.join(userDataDir, 'models');
      await installTinyModel(modelsDir);
      await makeGoproPairsFolder(path.join(workDir, 'pairs'));
      const started = ok<{ jobId: string; runId: string }>(
        await services.dispatch('train:start', { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'Early stop', steps: 500, settings: SMALL }),
      );
      await firstUpdate(services, started.jobId, (job) => job.state.status === 'running' && job.state.progress.stage.startsWith('Checking the photos: 1 of'));
      ok(await services.dispatch('job:cancel', { jobId: started.jobId }));
      // The list answers once the run's process has ended: no step-0 checkpoint to resume, no folder.
      const runs = ok<{ interrupted: unknown[]; stopped: unknown[] }>(await services.dispatch('train:runs', {}));
      expect(runs).toEqual({ interrupted: [], underWay: [], stopped: [{ jobId: started.jobId, runId: 'early-stop', kept: null }] });
      expect(existsSync(runDirFor(modelsDir, 'early-stop'))).toBe(false);
      // The name is free again at once.
      ok(await services.dispatch('job:cancel', { jobId: ok<{ jobId: string }>(await services.dispatch('train:start', { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'Early stop', steps: 1, settings: SMALL })).jobId }));
    } finally {
      await services.close();
    }
  });

  it('a stop that comes while the model is measured and saved stops nothing: the list says the model was saved', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-stop-late');
    try {
      await installTinyModel(path.join(userDataDir, 'models'));
      await makeGoproPairsFolder(path.join(workDir, 'pairs'));
      const started = ok<{ jobId: string; runId: string }>(
        await services.dispatch('train:start', { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'Late stop', steps: 1, settings: SMALL }),
      );
      // Once the new model's own scores are out, only its export is left: nothing checks for a stop.
      await firstUpdate(
        services,
        started.jobId,
        (job) => job.state.status === 'running' && job.state.progress.stage === FINAL_TRAINING_STAGE && (job.state.progress.detail ?? []).some((line) => line.endsWith('(step 1)')),
      );
      ok(await services.dispatch('job:cancel', { jobId: started.jobId }));
      const runs = ok<{ interrupted: unknown[]; stopped: unknown[] }>(await services.dispatch('train:runs', {}));
      expect(runs).toEqual({ interrupted: [], underWay: [], stopped: [{ jobId: started.jobId, runId: 'late-stop', kept: null, saved: 'Late stop' }] });
      const listed = ok<{ models: { name: string }[] }>(await services.dispatch('models:list', {})).models.map((m) => m.name);
      expect(listed).toContain('Late stop');
    } finally {
      await services.close();
    }
  });

  it('a run whose folder was moved: listed as such, Resume says how to go on, Locate folder… resumes from the new place and records it', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-moved');
    try {
      const modelsDir = path.join(userDataDir, 'models');
      await installTinyModel(modelsDir);
      await makeGoproPairsFolder(path.join(workDir, 'card'));
      await makeGoproPairsFolder(path.join(workDir, 'other'), 2);
      const started = ok<{ jobId: string }>(
        await services.dispatch('train:start', { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'card'), name: 'Moved', steps: 3, settings: SMALL }),
      );
      await firstUpdate(services, started.jobId, (job) => job.state.status === 'running' && /^Step [12] of 3/.test(job.state.progress.stage));
      ok(await services.dispatch('job:cancel', { jobId: started.jobId }));
      const listed = async () => ok<{ interrupted: InterruptedRunInfo[] }>(await services.dispatch('train:runs', {}));
      expect((await listed()).interrupted).toMatchObject([{ id: 'moved', folder: path.join(workDir, 'card'), folderGone: false }]);
      await rename(path.join(workDir, 'card'), path.join(workDir, 'card moved'));
      expect((await listed()).interrupted).toMatchObject([{ id: 'moved', folderGone: true }]);

      const resume = async (folder?: string) => (await followJob(services, ok<{ jobId: string }>(await services.dispatch('train:resume', { runId: 'moved', ...(folder ? { folder } : {}) })).jobId)).at(-1)!;
      const gone = await resume();
      expect(gone.state).toMatchObject({ status: 'failed', error: { code: 'FILE_NOT_FOUND', message: `The pairs folder of “Moved”, ${path.join(workDir, 'card')}, is not there any more (moved, renamed or on a disk not connected): choose Locate folder… to resume it from where the folder is now, or discard the run.` } });
      // Only a folder the user picked, and only the run's own pairs.
      expect(await services.dispatch('train:resume', { runId: 'moved', folder: path.dirname(workDir) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_PATH' } });
      const other = await resume(path.join(workDir, 'other'));
      expect(other.state).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^The pair "[^"]+" of the interrupted run is no longer valid in the folder/) } });
      expect((await listed()).interrupted).toMatchObject([{ id: 'moved', folderGone: true }]);

      const done = await resume(path.join(workDir, 'card moved'));
      expect(done.state).toMatchObject({ status: 'done', model: { modelId: 'moved', steps: 3 } });
      const manifest = JSON.parse(await readFile(path.join(modelsDir, 'moved', 'training.json'), 'utf8')) as { data: { folder: string } };
      expect(manifest.data.folder).toBe(path.join(workDir, 'card moved'));
    } finally {
      await services.close();
    }
  });

  it('a name with no Latin letters is taken once, as a Latin one is: by a model, or by an interrupted run', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-jp-name');
    try {
      await installTinyModel(path.join(userDataDir, 'models'));
      await makeGoproPairsFolder(path.join(workDir, 'pairs'), 2);
      const start = (name: string, steps = 1) => services.dispatch('train:start', { baseModelId: 'tiny', source: 'pairs', folder: path.join(workDir, 'pairs'), name, steps, settings: SMALL });
      const first = ok<{ jobId: string }>(await start('日本の夏'));
      expect((await jobEnd(services, first.jobId)).state).toMatchObject({ status: 'done', model: { name: '日本の夏' } });
      expect(await start(' 日本の夏 ')).toMatchObject({ ok: false, error: { code: 'OUTPUT_EXISTS', message: 'A model called “日本の夏” is already in your models; choose another name.' } });
      // Stopped after a step: an interrupted run holds its name until resumed or discarded.
      const second = ok<{ jobId: string }>(await start('夏の夜', 500));
      await firstUpdate(services, second.jobId, (job) => job.state.status === 'running' && /^Step [1-9]/.test(job.state.progress.stage));
      ok(await services.dispatch('job:cancel', { jobId: second.jobId }));
      expect(ok<{ interrupted: InterruptedRunInfo[] }>(await services.dispatch('train:runs', {})).interrupted).toMatchObject([{ name: '夏の夜' }]);
      expect(await start('夏の夜')).toMatchObject({ ok: false, error: { code: 'OUTPUT_EXISTS', message: expect.stringMatching(/^An interrupted training run “夏の夜” \([a-z0-9-]+\) already uses that name: resume or discard it/) } });
    } finally {
      await services.close();
    }
  });

  it('takes only a library model as the base: a path (a model never handed over, a share) is refused before any file is read', async () => {
    const { services, workDir, userDataDir } = await startTestServices('training-base-path');
    // A usable model with its manifest, in a folder the user never handed over.
    const secret = await mkdtemp(path.join(os.tmpdir(), 'unshake-not-granted-'));
    await installTinyModel(secret);
    const secretOnnx = path.join(secret, 'tiny', 'model.onnx');
    await makeGoproPairsFolder(path.join(workDir, 'pairs'));
    const trainingEngine = createChildProcessEngine(TRAINING_ENGINE_OPTIONS);
    try {
      for (const baseModelId of [secretOnnx, path.join(secret, 'tiny'), '/etc/passwd', '\\\\host\\share\\x.onnx', '../tiny']) {
        const result = await services.dispatch('train:start', { baseModelId, source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'From elsewhere', steps: 1, settings: SMALL });
        expect(result, baseModelId).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('baseModelId: not a model id') } });
      }
      // An id shaped like a file name is looked up in the library, not opened as a file.
      expect(await services.dispatch('train:start', { baseModelId: 'model.onnx', source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'x', steps: 1 })).toMatchObject({
        ok: false,
        error: { code: 'MODEL_NOT_FOUND', message: expect.stringContaining('No model with id "model.onnx"') },
      });
      expect(services.trainingUnderWay()).toBe(false);
      expect(ok(await services.dispatch('train:runs', {}))).toEqual({ interrupted: [], underWay: [], stopped: [] });
      expect(ok<{ models: { id: string }[] }>(await services.dispatch('models:list', {})).models.map((m) => m.id)).not.toContain('tiny');
      // The training process holds to the same rule, whoever sends it a path.
      const userModelsDir = path.join(userDataDir, 'models');
      await expect(trainingEngine.request('planTrainingRun', { userModelsDir, baseModelId: secretOnnx, name: 'x' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
      await expect(
        trainingEngine.request('train', { kind: 'new', userModelsDir, runId: 'x', baseModelId: secretOnnx, source: 'pairs', folder: path.join(workDir, 'pairs'), name: 'x', steps: 1 }),
      ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    } finally {
      await trainingEngine.close();
      await services.close();
    }
  });

  it('refuses a folder that is not there, and a file given as the folder, before anything is queued', async () => {
    const { services, workDir } = await startTestServices('training-folder');
    try {
      const start = (folder: string) => services.dispatch('train:start', { baseModelId: 'base', source: 'sharp', folder, name: 'x', steps: 1 });
      expect(await start(path.join(workDir, 'missing'))).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
      await writeFile(path.join(workDir, 'a.jpg'), 'x');
      expect(await start(path.join(workDir, 'a.jpg'))).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('is a file') } });
      expect(await start('relative/folder')).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      // Only a folder the user handed over (dropped or picked) may be named.
      expect(await start(path.dirname(workDir))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_PATH' } });
    } finally {
      await services.close();
    }
  });
});
