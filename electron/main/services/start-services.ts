import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../../../model/src/errors.js';
import type { IpcResult } from '../../common/ipc-contract.js';
import type { JobSnapshot } from '../../common/job-state.js';
import type { EngineClient } from '../engine/engine-client.js';
import { createImageRequestHandler, type CropRegion, type ImageSource } from '../images/image-protocol.js';
import { createImageRegistry } from '../images/image-registry.js';
import { fromUnchanged } from '../images/opened-file.js';
import { createIpcDispatcher } from '../ipc/dispatch.js';
import { createJobJournal } from '../jobs/job-journal.js';
import { compactJobJournal } from '../jobs/job-journal-compaction.js';
import { createJobManager } from '../jobs/job-manager.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { createAppInfoService } from './app-info.js';
import { createCancelJobService } from './cancel-job.js';
import type { ServiceContext } from './context.js';
import { createDeblurService } from './deblur.js';
import { createEditorJobsService, createEditorShowingService, createMissingSavesService } from './editor-jobs.js';
import { createGetSettingsService } from './get-settings.js';
import { createJobStatusService } from './job-status.js';
import { createListModelsService } from './list-models.js';
import { createModelFailures } from './model-failures.js';
import { createImageStatusService } from './image-status.js';
import { createOpenImageService } from './open-image.js';
import { createResultPreviews } from './result-previews.js';
import { createResultStore } from './result-store.js';
import { readResult } from './result-read.js';
import { RESULTS_BUDGET_BYTES } from './prune-results.js';
import { createBatchService } from './batch.js';
import { createBatchResumeServices } from './batch-resume.js';
import { createInterruptedBatches } from './interrupted-batches.js';
import { createSaveService } from './save.js';
import { createSaveAsService, type ChooseSavePath } from './save-as.js';
import { createImportModelService, createShowModelsFolderService, type ChooseModelFolder, type OpenFolder } from './import-model.js';
import { createRenameModelService } from './rename-model.js';
import { createRemoveModelService, trashInUserData, type MoveToTrash } from './remove-model.js';
import { createSetSettingsService } from './set-settings.js';
import { createSettingsNoticeService } from './settings-notice.js';
import { createTrainingServices } from './training.js';
import { createGrantedPaths } from './granted-paths.js';
import { createOpenRequests } from './open-requests.js';
import { modelDirs } from '../../workers/worker-paths.js';

export interface StartServicesOptions {
  userDataDir: string;
  /** Owned from here on: close() stops it. */
  engine: EngineClient;
  /** The training runs' process (the same worker, another instance); owned from here on too. */
  trainingEngine: EngineClient;
  /**
   * Opens photos and makes their previews and 100 % crops (the same worker, another instance;
   * owned from here on too). ORT runs a deblur's tiles on its process's JS thread, so in that
   * process a photo opened during a deblur waited for gaps between tiles: 18–23 s instead of 0.2.
   * Absent (tests that do not need it): `engine` does this work too.
   */
  imagingEngine?: EngineClient;
  /** Where a removed model goes: the OS trash in the app; default <userData>/Trash. */
  moveToTrash?: MoveToTrash;
  /** Photos the session keeps open (the image registry's limit; default 200): tests use fewer. */
  maxOpenImages?: number;
  /** What their previews may hold in memory before the oldest are let go (default 64 MiB: image-registry.ts). */
  maxPreviewBytes?: number;
  /** What deblur results may take on disk before other photos' oldest go (default 1 GiB: prune-results.ts). */
  resultsBudgetBytes?: number;
  /** The system's save dialog, for Save As…; without one (the CLI, most tests) Save As… says so. */
  chooseSavePath?: ChooseSavePath;
  /** The system's folder dialog, for Import model…, and the file manager, for Show models folder. */
  chooseModelFolder?: ChooseModelFolder;
  openFolder?: OpenFolder;
  settings: SettingsStore;
  appVersion: string;
}

export interface Services {
  /** Validated IPC entry point; takes the wire channel ('image:open') or the contract key. */
  dispatch: (channel: string, payload: unknown) => Promise<IpcResult<unknown>>;
  onJobUpdate(listener: (job: JobSnapshot) => void): () => void;
  /** Body of the unshake-image:// protocol handler. */
  handleImageRequest(url: string): Promise<Response>;
  /** Whether a training run is queued or training: closing the window asks first. */
  trainingUnderWay(): boolean;
  /**
   * A file or folder the user handed the window (the preload's pathForFile reports it): requests
   * may name it, and what is inside it, from then on.
   */
  grantPath(absolutePath: string): void;
  /** Photos the system asked the app to open (open-requests.ts); the window is told to take them. */
  requestOpen(candidates: readonly string[], cwd?: string): Promise<void>;
  onOpenRequest(listener: () => void): () => void;
  close(): Promise<void>;
}

/**
 * Everything main does, as plain Node: Electron's index.ts, the tests and the e2e harness all
 * go through this one function, so the harness exercises the same code the app runs.
 */
export async function startServices(options: StartServicesOptions): Promise<Services> {
  // Results (full-size lossless PNGs) are reachable only from this run's memory: what an earlier
  // run left, after a crash or a kill, is garbage. One instance at a time (index.ts's lock).
  const resultsDir = path.join(options.userDataDir, 'results');
  await rm(resultsDir, { recursive: true, force: true });
  await mkdir(resultsDir, { recursive: true });
  // The journal keeps only the batches an earlier session left unfinished (read, then rewritten
  // with just those, before this session adds a line): it never grows from one session to the next.
  const journalFile = path.join(options.userDataDir, 'jobs.jsonl');
  const { interrupted, notice: journalNotice } = await compactJobJournal(journalFile);
  const journal = createJobJournal(journalFile);
  const jobs = createJobManager({ journal });
  const imaging = options.imagingEngine ?? options.engine;
  const resultPreviews = createResultPreviews(imaging);
  const images = createImageRegistry({
    ...(options.maxOpenImages !== undefined ? { maxImages: options.maxOpenImages } : {}),
    ...(options.maxPreviewBytes !== undefined ? { maxPreviewBytes: options.maxPreviewBytes } : {}),
    // From the file as opened only: one saved over since would be another picture at the same size.
    remakePreview: (image) => fromUnchanged(image, () => imaging.request('preview', { path: image.path, maxEdge: image.preview.edge, maxMegapixels: image.maxMegapixels })),
  });
  const userModelsDir = path.join(options.userDataDir, 'models');
  const context: ServiceContext = {
    engine: options.engine,
    trainingEngine: options.trainingEngine,
    imaging,
    settings: options.settings,
    images,
    jobs,
    journal,
    interruptedBatches: createInterruptedBatches(journal, interrupted, journalNotice),
    results: createResultStore({ budgetBytes: options.resultsBudgetBytes ?? RESULTS_BUDGET_BYTES, forgetPreview: (jobId) => resultPreviews.forget(jobId) }),
    editorDeblurs: new Map(),
    savesWriting: new Set(),
    editorShowing: null,
    resultPreviews,
    paths: { userDataDir: options.userDataDir, resultsDir, userModelsDir },
    granted: createGrantedPaths(),
    appVersion: options.appVersion,
    engineState: { runtime: null, executionProvider: null },
    modelFailures: createModelFailures(() => modelDirs(userModelsDir), options.settings),
  };

  // Saves are engine requests, not jobs: quitting waits for them, or a photo being written is lost.
  const saving = new Set<Promise<unknown>>();
  const save = createSaveService(context);
  const trackedSave: typeof save = (request) => {
    const pending = save(request);
    saving.add(pending);
    void pending.finally(() => saving.delete(pending)).catch(() => {});
    return pending;
  };

  const training = createTrainingServices(context);
  const batches = createBatchService(context);
  const openRequests = createOpenRequests(context.granted);
  const dispatch = createIpcDispatcher({
    appInfo: createAppInfoService(context),
    openImage: createOpenImageService(context),
    imageStatus: createImageStatusService(context),
    deblur: createDeblurService(context),
    batch: batches.batch,
    batchRuns: batches.batchRuns,
    cancelBatch: batches.cancelBatch,
    ...createBatchResumeServices(context, batches.startBatch),
    editorJobs: createEditorJobsService(context),
    editorShowing: createEditorShowingService(context),
    missingSaves: createMissingSavesService(context),
    jobStatus: createJobStatusService(context),
    cancelJob: createCancelJobService(context),
    save: trackedSave,
    saveAs: createSaveAsService(context, trackedSave, options.chooseSavePath ?? noSaveDialog),
    listModels: createListModelsService(context),
    takeOpenRequests: async () => openRequests.take(),
    removeModel: createRemoveModelService(context, options.moveToTrash ?? trashInUserData(options.userDataDir)),
    importModel: createImportModelService(context, options.chooseModelFolder),
    renameModel: createRenameModelService(context),
    showModelsFolder: createShowModelsFolderService(context, options.openFolder),
    getSettings: createGetSettingsService(context),
    setSettings: createSetSettingsService(context),
    settingsNotice: createSettingsNoticeService(context),
    trainStart: training.trainStart,
    trainResume: training.trainResume,
    trainingRuns: training.trainingRuns,
    discardTrainingRun: training.discardTrainingRun,
  });

  return {
    dispatch,
    onJobUpdate(listener) {
      // A deblur whose result was removed is a change of its job too: its card says so (result-store.ts).
      const offJobs = jobs.onUpdate((job) => listener(context.results.view(job)));
      const offRemoved = context.results.onRemoved((jobId) => {
        const job = jobs.get(jobId);
        if (job) listener(context.results.view(job));
      });
      return () => {
        offJobs();
        offRemoved();
      };
    },
    handleImageRequest: createImageRequestHandler(imageSource(context)),
    trainingUnderWay: training.underWay,
    grantPath: (absolutePath) => context.granted.grant(absolutePath),
    requestOpen: (candidates, cwd) => openRequests.request(candidates, cwd),
    onOpenRequest: (listener) => openRequests.onRequest(listener),
    async close() {
      await Promise.allSettled([...saving]);
      // The engine first: it fails the running job's request at once, so the job settles now
      // instead of after the worker's 15-s cancel grace (a quit during a deblur took that long).
      // A training run is asked to stop too: it saves a checkpoint after its current step (within
      // the training engine's cancel grace), so the run resumes from there.
      const stopping = jobs.close();
      await options.engine.close();
      await stopping;
      await options.trainingEngine.close();
      await options.imagingEngine?.close();
      await rm(resultsDir, { recursive: true, force: true });
    },
  };
}

/**
 * Previews of opened images, and of finished results (made by the deblur job, or on demand); and
 * full-resolution crops of either, made by the engine from the file the id names.
 */
function imageSource(context: ServiceContext): ImageSource {
  return async ({ kind, id, region }) => {
    if (kind === 'preview') return context.images.preview(id);
    if (kind === 'crop' && region && id.startsWith('img_')) {
      const image = context.images.get(id);
      // Cut from the file as opened only: Fit and After show that picture (opened-file.ts).
      return image ? fromUnchanged(image, () => cropOf(context, image.path, region, image.maxMegapixels)) : undefined;
    }
    // A result's file is held while it is read: a result removed meanwhile stays till then. One
    // whose file is gone fails here, and its job, pushed to the window, says why (result-read.ts).
    if (!context.results.get(id)) return undefined;
    return readResult(context, id, async (result) => {
      if (kind === 'crop') return region ? await cropOf(context, result.resultPath, region, result.maxMegapixels) : undefined;
      return (await context.resultPreviews.get(id, result)).jpeg;
    });
  };
}

/** A photo's crop is read under the limit it was opened with (image-registry.ts); a result's under its deblur's (context.ts). */
async function cropOf(context: ServiceContext, path: string, region: CropRegion, maxMegapixels: number): Promise<Uint8Array> {
  return (await context.imaging.request('crop', { path, region, maxMegapixels })).jpeg;
}

const noSaveDialog: ChooseSavePath = () => {
  throw new UnshakeError('INVALID_REQUEST', 'There is no save dialog here: use Save, or name the file on the command line.');
};
