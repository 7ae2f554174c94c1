import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { OpenImageResult } from '../../electron/common/ipc-contract.js';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import { TRAINING_ENGINE_OPTIONS } from '../../electron/main/engine/process-engine.js';
import { startServices } from '../../electron/main/services/start-services.js';
import { createConfSettingsStore } from '../../electron/main/settings/conf-settings.js';
import { followJob, ok, sharedPhoto } from './worker-helpers.js';

describe('quitting (services.close) with the real engine worker', () => {
  it('waits for a Save in progress: the photo is written, nothing is left half-done', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'unshake-close-'));
    const userDataDir = path.join(work, 'user-data');
    await mkdir(userDataDir);
    const photo = path.join(work, 'lion.jpg');
    await copyFile(sharedPhoto('real-blur/lai_lion.jpg'), photo);
    const services = await startServices({ userDataDir, engine: createChildProcessEngine(), trainingEngine: createChildProcessEngine(TRAINING_ENGINE_OPTIONS), settings: createConfSettingsStore(userDataDir), appVersion: '0.0.0-test' });
    services.grantPath(photo);
    const opened = ok<OpenImageResult>(await services.dispatch('image:open', { path: photo }));
    const { jobId } = ok<{ jobId: string }>(await services.dispatch('job:deblur', { imageId: opened.imageId, strength: 1, modelId: 'placeholder' }));
    expect((await followJob(services, jobId)).at(-1)?.state.status).toBe('done');

    // The window closes while the save is being encoded: the quit waits for it.
    const saving = services.dispatch('job:save', { jobId, format: 'png' });
    const closing = services.close();
    const saved = await saving;
    await closing;
    expect(saved).toMatchObject({ ok: true, value: { path: path.join(work, 'lion-unshaken.png') } });
    expect(existsSync(path.join(work, 'lion-unshaken.png'))).toBe(true);
    expect((await sharp(path.join(work, 'lion-unshaken.png')).metadata()).width).toBe(1200);
    expect((await readdir(work)).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
