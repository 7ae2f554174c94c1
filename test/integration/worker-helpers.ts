import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { IpcResult } from '../../electron/common/ipc-contract.js';
import type { JobSnapshot, JobStatus } from '../../electron/common/job-state.js';
import { createChildProcessEngine } from '../../electron/main/engine/child-process-engine.js';
import { TRAINING_ENGINE_OPTIONS } from '../../electron/main/engine/process-engine.js';
import type { EngineClient } from '../../electron/main/engine/engine-client.js';
import { startServices, type Services, type StartServicesOptions } from '../../electron/main/services/start-services.js';
import { createConfSettingsStore } from '../../electron/main/settings/conf-settings.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dataDir = path.resolve(repoRoot, '../shared/data');

/** A real photo from the shared data set; fails loudly (not skips) when the set is absent. */
export function sharedPhoto(relative: string): string {
  const file = path.join(dataDir, relative);
  if (!existsSync(file)) {
    throw new Error(`Test photo missing: ${file}. These tests need ../shared/data next to the repo (see ../shared/data/fetch-photos.sh).`);
  }
  return file;
}

/** A memory card of small JPEGs: each Kodak photo `names` names, `edge` px wide, as `<name>.jpg` in `folder`. */
export async function kodakCard(folder: string, names: readonly string[], edge = 160): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const name of names) await sharp(sharedPhoto(`photos-extra/Kodak24/${name}.png`)).resize(edge).jpeg().toFile(path.join(folder, `${name}.jpg`));
}

export interface ServicesUnderTest {
  services: Services;
  engine: EngineClient;
  /** Opens photos and makes previews and crops, as in the app. */
  imaging: EngineClient;
  workDir: string;
  userDataDir: string;
}

export type TestServicesOptions = Pick<StartServicesOptions, 'chooseSavePath' | 'maxOpenImages' | 'maxPreviewBytes' | 'resultsBudgetBytes'> & {
  /** Stands between the services and the real imaging engine: to act on a real request in flight (kill its worker…). */
  wrapImaging?: (imaging: EngineClient) => EngineClient;
  /** Runs on the empty userData folder before the services start in it (to mount a small disk there…). */
  beforeStart?: (userDataDir: string) => void;
};

/** The same wiring the e2e harness uses: real services over a real child-process engine. */
export async function startTestServices(prefix: string, extra: TestServicesOptions = {}): Promise<ServicesUnderTest> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), `unshake-${prefix}-`));
  const userDataDir = path.join(workDir, 'user-data');
  await mkdir(userDataDir);
  const { beforeStart, ...rest } = extra;
  beforeStart?.(userDataDir);
  const started = await startServicesIn(workDir, userDataDir, rest);
  // As if the user had dropped them: requests may name what is in these folders (granted-paths.ts).
  started.services.grantPath(workDir);
  return started;
}

/**
 * The app started again on an earlier session's userData (after a quit or crash): nothing the
 * user handed over then is handed over now, but the shared photos.
 */
export function restartTestServices(previous: Pick<ServicesUnderTest, 'workDir' | 'userDataDir'>): Promise<ServicesUnderTest> {
  return startServicesIn(previous.workDir, previous.userDataDir, {});
}

async function startServicesIn(workDir: string, userDataDir: string, { wrapImaging, ...extra }: Omit<TestServicesOptions, 'beforeStart'>): Promise<ServicesUnderTest> {
  const engine = createChildProcessEngine();
  const imaging = createChildProcessEngine();
  const services = await startServices({
    userDataDir,
    engine,
    trainingEngine: createChildProcessEngine(TRAINING_ENGINE_OPTIONS),
    imagingEngine: wrapImaging ? wrapImaging(imaging) : imaging,
    settings: createConfSettingsStore(userDataDir),
    appVersion: '0.0.0-test',
    ...extra,
  });
  services.grantPath(dataDir);
  return { services, engine, imaging, workDir, userDataDir };
}

/** Unwraps an ok result, or fails the test with the error it carried. */
export function ok<T>(result: IpcResult<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const TERMINAL: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

/** Collects a job's updates until it reaches a terminal status. */
export function followJob(services: Services, jobId: string): Promise<JobSnapshot[]> {
  return new Promise((resolve) => {
    const seen: JobSnapshot[] = [];
    const off = services.onJobUpdate((job) => {
      if (job.id !== jobId) return;
      seen.push(job);
      if (TERMINAL.includes(job.state.status)) {
        off();
        resolve(seen);
      }
    });
  });
}

/** A job's last state: one that already ended before anyone listened is read as it is. */
export async function jobEnd(services: Services, jobId: string): Promise<JobSnapshot> {
  const following = followJob(services, jobId).then((updates) => updates.at(-1)!);
  const now = ok<JobSnapshot>(await services.dispatch('job:status', { jobId }));
  return TERMINAL.includes(now.state.status) ? now : following;
}

/** Each job's last state (jobEnd), in the order given. */
export const jobEnds = (services: Services, items: readonly { jobId: string }[]): Promise<JobSnapshot[]> =>
  Promise.all(items.map((item) => jobEnd(services, item.jobId)));

/** Resolves on the job's first per-tile progress update: proof it is mid-inference. */
export function firstTile(services: Services, jobId: string): Promise<JobSnapshot> {
  return new Promise((resolve) => {
    const off = services.onJobUpdate((job) => {
      if (job.id === jobId && job.state.status === 'running' && job.state.progress.stage.startsWith('Tile ')) {
        off();
        resolve(job);
      }
    });
  });
}
