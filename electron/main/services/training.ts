import { stat } from 'node:fs/promises';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { isTerminal } from '../../common/job-state.js';
import type { StoppedRun, TrainedModel } from '../../common/training.js';
import { trainingCropProblem } from '../../common/training-crop.js';
import { toErrorInfo, UnshakeError } from '../../../model/src/errors.js';
import { locateModel } from '../../../model/src/models/library.js';
import { modelDirs } from '../../workers/worker-paths.js';
import type { EngineRequest } from '../engine/engine-client.js';
import type { ServiceContext } from './context.js';

type Service<K extends 'trainStart' | 'trainResume' | 'trainingRuns' | 'discardTrainingRun'> = (request: IpcParsedRequest<K>) => Promise<IpcResponse<K>>;

/**
 * The training panel's commands. A run is a 'training' job in its own queue and its own process
 * (context.trainingEngine), so the editor keeps deblurring meanwhile. Stopping it (job:cancel)
 * saves a checkpoint at the next step; it is then an interrupted run, listed here until it is
 * resumed or discarded. A quit or crash leaves the last interval checkpoint the same way.
 */
export function createTrainingServices(context: ServiceContext): {
  trainStart: Service<'trainStart'>;
  trainResume: Service<'trainResume'>;
  trainingRuns: Service<'trainingRuns'>;
  discardTrainingRun: Service<'discardTrainingRun'>;
  /** Whether a run is queued or training (quitting would stop it). */
  underWay(): boolean;
} {
  const userModelsDir = context.paths.userModelsDir;
  // Each run's latest job, and the runs whose process is still at work. A stopped job is
  // 'cancelled' at once for the UI, but its process first finishes the step and writes the
  // checkpoint: until then the run is neither listed nor resumed nor discarded.
  const jobOfRun = new Map<string, string>();
  const working = new Map<string, Promise<unknown>>();
  // How each stopped job really ended, once its process has: the panel says it (by job id).
  const stopped = new Map<string, StoppedRun>();
  const isUnderWay = (runId: string) => {
    const status = context.jobs.get(jobOfRun.get(runId) ?? '')?.state.status;
    return status !== undefined && !isTerminal(status);
  };
  // Start, resume and discard of one run, one at a time: each waits for the one before and for a
  // stopping run's checkpoint, then looks again (a resume and a discard clicked together must not
  // both go ahead, nor a new run take a name its stopping namesake is about to save under).
  const chains = new Map<string, Promise<unknown>>();
  const exclusive = <T>(runId: string, act: () => Promise<T>, underWay = 'That training run is already under way; stop it first.'): Promise<T> => {
    const turn = (chains.get(runId) ?? Promise.resolve())
      .catch(() => {})
      .then(async () => {
        const refuseIfUnderWay = () => {
          if (isUnderWay(runId)) throw new UnshakeError('INVALID_REQUEST', underWay);
        };
        // A running run is refused at once; only a stopping one is waited for.
        refuseIfUnderWay();
        await working.get(runId)?.catch(() => {});
        refuseIfUnderWay();
        return act();
      });
    chains.set(runId, turn);
    void turn.catch(() => {}).finally(() => chains.get(runId) === turn && chains.delete(runId));
    return turn;
  };
  /** A folder the user handed over (dropped or picked), there and a folder. */
  const grantedFolder = async (requested: string): Promise<string> => {
    const folder = context.granted.require(requested, 'training folder');
    const info = await stat(folder).catch(() => null);
    if (!info) throw new UnshakeError('FILE_NOT_FOUND', `The folder ${folder} does not exist (any more).`);
    if (!info.isDirectory()) throw new UnshakeError('INVALID_REQUEST', `${folder} is a file; choose the folder that holds the photos.`);
    return folder;
  };
  const interrupted = async (runId: string) => (await context.trainingEngine.request('trainingRuns', { userModelsDir })).find((run) => run.id === runId);
  const noSuchRun = () => new UnshakeError('INVALID_REQUEST', 'That interrupted run is no longer there: it was resumed (here or by the command-line trainer), finished or discarded.');

  /**
   * A stop ends the job at once, but the run ends when its process does: with a checkpoint, with
   * none (stopped before its first step), or with an error of its own, which is not a stop.
   */
  const stopOutcome = async (jobId: string, runId: string, run: Promise<TrainedModel>): Promise<StoppedRun> => {
    // A stop that came after the last step was checked (while the model was measured and saved)
    // stops nothing: the model is there, and "nothing to resume" would hide it.
    const outcome = await run.then((model) => ({ model }), (e: unknown) => ({ error: e }));
    if ('model' in outcome) return { jobId, runId, kept: null, saved: outcome.model.name };
    const info = toErrorInfo(outcome.error);
    const kept = (await interrupted(runId).catch(() => undefined))?.step ?? null;
    return { jobId, runId, kept, ...(info.code !== 'CANCELLED' ? { error: info } : {}) };
  };

  /**
   * A fine-tune that failed with MODEL_INVALID may have found its starting model unrunnable (the
   * check a deblur would fail too): asked once more, so only a model no deblur runs is marked.
   */
  const noteUnrunnableBase = async (baseModelId: string | null, error: unknown) => {
    if (baseModelId === null || toErrorInfo(error).code !== 'MODEL_INVALID') return;
    const { problem } = await context.trainingEngine.request('checkModel', { userModelsDir, modelId: baseModelId }).catch(() => ({ problem: null }));
    if (problem !== null) await context.modelFailures.record(baseModelId, new UnshakeError('MODEL_INVALID', problem));
  };

  const enqueue = (runId: string, payload: EngineRequest<'train'>, baseModelId: string | null) => {
    const job = context.jobs.enqueue(
      'training',
      async ({ jobId, signal, progress }) => {
        // The graphics-card setting as the run starts (a queued run takes a change made meanwhile).
        const preferredProvider = context.settings.get().preferredExecutionProvider;
        const run = context.trainingEngine.request('train', { ...payload, preferredProvider }, { signal, onProgress: progress });
        // Settled once a stopped run's outcome is known: the list waits for it (trainingRuns).
        const settled = run.then(
          () => {},
          () => {},
        ).then(async () => {
          if (signal.aborted) stopped.set(jobId, await stopOutcome(jobId, runId, run));
        });
        working.set(runId, settled);
        try {
          return { model: await run };
        } catch (error) {
          if (!signal.aborted) await noteUnrunnableBase(baseModelId, error);
          throw error;
        } finally {
          await settled;
          working.delete(runId);
        }
      },
      // Not journaled: a run resumes from its own checkpoints.
    );
    jobOfRun.set(runId, job.id);
    return { jobId: job.id, runId };
  };

  return {
    async trainStart(request) {
      const folder = await grantedFolder(request.folder);
      // The crop against the chosen model's sizes (its manifest, read here), as the panel checks
      // it: refused now, not by the trainer once the run is queued and TF.js loaded.
      const { manifest } = await locateModel(request.baseModelId, modelDirs(userModelsDir));
      const cropProblem = trainingCropProblem(request.settings?.crop, { name: manifest.name, sizeMultiple: manifest.io.sizeMultiple });
      if (cropProblem !== null) throw new UnshakeError('INVALID_REQUEST', cropProblem);
      // Planning opens the starting model as a deblur would (resolveBase): one it cannot is marked.
      const plan = () =>
        context.trainingEngine.request('planTrainingRun', { userModelsDir, baseModelId: request.baseModelId, name: request.name }).catch(async (error: unknown) => {
          await noteUnrunnableBase(request.baseModelId, error);
          throw error;
        });
      const { runId } = await plan();
      // Planned again in turn: a run of that name that was stopping has saved its checkpoint by now.
      return exclusive(
        runId,
        async () => enqueue((await plan()).runId, { ...request, kind: 'new', folder, runId, userModelsDir }, request.baseModelId),
        `A run named “${request.name.trim()}” is training now; choose another name.`,
      );
    },
    async trainResume({ runId, folder: located }) {
      const folder = located === undefined ? undefined : await grantedFolder(located);
      return exclusive(runId, async () => {
        const run = await interrupted(runId);
        if (!run) throw noSuchRun();
        return enqueue(runId, { kind: 'resume', runId, userModelsDir, ...(folder === undefined ? {} : { folder }) }, run.baseModelId);
      });
    },
    async trainingRuns() {
      // A run being stopped is listed once its checkpoint is written.
      await Promise.allSettled([...working].filter(([runId]) => !isUnderWay(runId)).map(([, run]) => run));
      const interrupted = (await context.trainingEngine.request('trainingRuns', { userModelsDir })).filter((run) => !isUnderWay(run.id));
      return { interrupted, underWay: [...jobOfRun].filter(([runId]) => isUnderWay(runId)).map(([, jobId]) => jobId), stopped: [...stopped.values()] };
    },
    underWay: () => [...jobOfRun.keys()].some(isUnderWay),
    async discardTrainingRun({ runId }) {
      return exclusive(runId, () => context.trainingEngine.request('discardTrainingRun', { userModelsDir, runId }));
    },
  };
}
