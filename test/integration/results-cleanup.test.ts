import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import { TRAINING_ENGINE_OPTIONS } from '../../electron/main/engine/process-engine.js';
import { startServices } from '../../electron/main/services/start-services.js';
import { createConfSettingsStore } from '../../electron/main/settings/conf-settings.js';

describe('deblur results on disk (userData/results)', () => {
  it('are cleared at start (a crashed run left them unreachable) and when the services close', async () => {
    const userDataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'unshake-results-')), 'user-data');
    const resultsDir = path.join(userDataDir, 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(path.join(resultsDir, 'job_0000000000stale.png'), 'a full-size result from a crashed run');
    await writeFile(path.join(resultsDir, '.job_0000000000stale.png.tmp'), 'half-written');

    const services = await startServices({ userDataDir, engine: createChildProcessEngine(), trainingEngine: createChildProcessEngine(TRAINING_ENGINE_OPTIONS), settings: createConfSettingsStore(userDataDir), appVersion: '0.0.0-test' });
    expect(await readdir(resultsDir)).toEqual([]);
    await services.close();
    expect(existsSync(resultsDir)).toBe(false);
    // Settings and the job journal live beside it and stay.
    expect(existsSync(userDataDir)).toBe(true);
  });
});
