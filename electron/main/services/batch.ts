import { rmdir } from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { isTerminal } from '../../common/job-state.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { makeResultsFolder } from '../../../model/src/image/results-folder.js';
import { removeStaleTempFiles } from '../../../model/src/image/stale-temp-files.js';
import { settingsForRerun } from '../../common/batch-output-settings.js';
import { BATCH_SUBFOLDER, type Settings } from '../../common/settings-schema.js';
import { doneMeanwhile } from '../../../model/src/image/done-meanwhile.js';
import { unreadableNote } from '../../../model/src/image/readable-result.js';
import { findResult, planBatch, resultFoldersOf, resultListing, type BatchItem, type ResultSearch } from '../../../model/src/image/batch-results.js';
import { countSubfolders, photoFilesIn, realPathOf } from '../../../model/src/image/photo-files.js';
import { newId } from '../ids.js';
import { locateModel } from '../../../model/src/models/library.js';
import { modelDirs } from '../../workers/worker-paths.js';
import { reportExecutionProvider, type ServiceContext } from './context.js';
import { requireAbsolutePath } from './paths.js';
import { writablePhotos } from './batch-destination.js';
import { cancelledNote, linkedNote } from './batch-notes.js';
import { failureStop } from './batch-stop.js';

/**
 * Queues a batch: one 'batch-item' job per photo of the dropped folders and files, each written
 * straight to its result file (photo-unshaken.*, next to the original or in the Unshaken folder) in the
 * settings' format, never over an existing file. A photo whose result is already there is
 * reported as done, not queued, so dropping the same folder again after a crash or quit finishes
 * what was left. A photo that fails (damaged, too large) fails alone: its job says why.
 */
export function createBatchService(context: ServiceContext): {
  batch: (request: IpcParsedRequest<'batch'>) => Promise<IpcResponse<'batch'>>;
  batchRuns: () => Promise<IpcResponse<'batchRuns'>>;
  /** Cancel batch: all its open photos at once, so none starts between two cancels. */
  cancelBatch: (request: IpcParsedRequest<'cancelBatch'>) => Promise<IpcResponse<'cancelBatch'>>;
  /** A batch with the output settings given (an interrupted one's, resumed) and notes of what was left out before it was planned. */
  startBatch: (request: IpcParsedRequest<'batch'>, options: StartOptions) => Promise<IpcResponse<'batch'>>;
} {
  // Photos queued or being deblurred, by job: the same folder dropped again meanwhile does not
  // queue them twice, even if the output format or place changed since (keyed by the photo, not
  // its result). A job leaves it when it ends, however it ends (a cancelled one never runs).
  const pending = new Map<string, BatchItem>();
  /** Each pending job's batch, for the journal: a photo the user cancels stays out of a resume. */
  const runOf = new Map<string, string>();
  // Each queued photo's real path (links followed): a second drop that reaches it through a link
  // (ceremony/linkdir -> ../reception) is the same photo, not more work.
  const realInputs = new WeakMap<BatchItem, string>();
  // "Unshaken" folders this session made, and their removals under way: a folder made for a batch
  // whose photos all failed or were cancelled is not left behind empty.
  const madeFolders = new Set<string>();
  const removals = new Map<string, Promise<void>>();
  /** Photos whose run is under way, by folder: a job reads "cancelled" before its worker has stopped writing. */
  const writers = new Map<string, number>();
  /** Removes a folder this session made once no photo writes into it or waits to (`except`: the one just done). */
  const removeIfLeftEmpty = (folder: string, except?: BatchItem): void => {
    if (!madeFolders.has(folder) || (writers.get(folder) ?? 0) > 0) return;
    if ([...pending.values()].some((other) => other !== except && path.dirname(other.output) === folder)) return;
    madeFolders.delete(folder);
    // rmdir removes only an empty folder: one with a result (or anything else) stays.
    removals.set(folder, rmdir(folder).catch(() => {}).finally(() => removals.delete(folder)));
  };
  context.jobs.onUpdate((job) => {
    const item = pending.get(job.id);
    if (!item || !isTerminal(job.state.status)) return;
    pending.delete(job.id);
    const group = runOf.get(job.id);
    runOf.delete(job.id);
    // Written before the job's own 'cancelled' line (listeners hear first). A quit or crash
    // records no cancel, nor does a photo the app stopped: those photos are what a resume is for.
    if (job.state.status === 'cancelled' && !job.state.stopped && group) context.journal.append({ cancelledPhoto: { group, photo: item.input } });
    // A photo cancelled while queued never runs: the last one of its folder ends it here.
    removeIfLeftEmpty(path.dirname(item.output));
  });
  /** Runs a photo's write with its results folder made first (after any removal of it), and removed after if left empty. */
  const inResultsFolder = async <T>(item: BatchItem, write: () => Promise<T>): Promise<T> => {
    const folder = path.dirname(item.output);
    writers.set(folder, (writers.get(folder) ?? 0) + 1);
    try {
      await removals.get(folder);
      if (await makeResultsFolder(folder)) madeFolders.add(folder);
      return await write();
    } finally {
      writers.set(folder, writers.get(folder)! - 1);
      removeIfLeftEmpty(folder, item);
    }
  };
  // The batches of this session, newest last, for a window that was reloaded mid-batch.
  const runs: (Omit<IpcResponse<'batchRuns'>[number], 'jobs'>)[] = [];
  // Ended ones too: a reloaded window keeps a cancelled batch's Run again (it forgets those it cleared).
  const batchRuns = async (): Promise<IpcResponse<'batchRuns'>> =>
    runs
      .slice(-RUNS_RESTORED)
      .reverse()
      .map((run) => ({ ...run, jobs: run.items.flatMap((item) => context.jobs.get(item.jobId) ?? []) }));
  // The settings each batch started with: Run again keeps their output part (past MAX_RUNS_KEPT: today's).
  const settingsOfRun = new Map<string, Settings>();
  const batch = (request: IpcParsedRequest<'batch'>): Promise<IpcResponse<'batch'>> => {
    const today = context.settings.get();
    const kept = request.again !== undefined ? settingsOfRun.get(request.again) : undefined;
    return startBatch(request, { settings: kept ? settingsForRerun(kept, today) : today, leftOut: [] });
  };
  // Batches are planned one at a time: planning reads `pending` first and adds to it only after
  // slow awaits (the model, the folder scan, each result looked for), so a folder dropped twice in
  // quick succession was queued twice. The second now waits and finds the first's photos under way.
  const planning = new PQueue({ concurrency: 1 });
  const startBatch = (request: IpcParsedRequest<'batch'>, options: StartOptions): Promise<IpcResponse<'batch'>> =>
    planning.add(() => planBatchNow(request, options));
  const planBatchNow = async (request: IpcParsedRequest<'batch'>, { settings, leftOut: notes, cancelled = [], handedOverBefore = false }: StartOptions): Promise<IpcResponse<'batch'>> => {
    const what = 'photo or folder path';
    const paths = request.paths.map((p) => (handedOverBefore ? requireAbsolutePath(p, what) : context.granted.require(p, what)));
    // The model is the whole batch's: one that is not there (or its manifest or file damaged) is
    // one error now, not the same failure for every photo of the folder. Checked here in main,
    // without reading the file: the engine may be busy with a deblur for minutes, and the drop
    // should not wait for it. One that ONNX Runtime cannot load fails the first photo, which
    // stops the rest (modelGone).
    await locateModel(request.modelId, modelDirs(context.paths.userModelsDir));
    const format = settings.outputFormat === 'same' ? undefined : settings.outputFormat;
    const where = settings.batchResults === 'subfolder' ? { subfolder: BATCH_SUBFOLDER } : {};
    const queuedOutputs = new Set([...pending.values()].map((item) => item.output));
    // Named as Save names them: one rule for a photographer's own suffix, and Save's results are
    // never deblurred again as photos of the folder. Results still to be written by queued photos
    // are taken: a new photo with the same result name is numbered instead of handed a file
    // another job is about to write.
    const suffix = settings.outputSuffix;
    const leftOut = [...notes];
    const plan = planBatch(await photoFilesIn(paths, { suffix, onLeftOut: (note) => leftOut.push(note) }), { ...(format ? { format } : {}), suffix, ...where, taken: queuedOutputs });
    const planned = new Set(plan.map((item) => item.output));
    const reals = await Promise.all(plan.map((item) => realPathOf(item.input)));
    const queued = new Map([...pending.values()].map((item) => [realInputs.get(item) ?? item.input, item]));
    /** Photos queued by another batch under another path: said once, as a scan's own links are. */
    const linked: { input: string; queuedAs: string }[] = [];
    const alreadyDone: BatchItem[] = [];
    const toDo: BatchItem[] = [];
    /** How each photo's result was looked for: looked for again if another run writes it meanwhile. */
    const searches = new Map<BatchItem, ResultSearch>();
    // Names this batch's photos and the queued ones will write: never another photo's result.
    const taken = new Set([...planned, ...queuedOutputs]);
    const cancelledBefore = new Set(cancelled);
    // Each folder listed once for the whole plan, not once per photo (n² for a big folder).
    const listing = resultListing();
    /** Photos the user cancelled in the run this one resumes: not deblurred now either. */
    const skipped: string[] = [];
    for (const [index, item] of plan.entries()) {
      if (cancelledBefore.has(item.input)) {
        skipped.push(item.input);
        continue;
      }
      const real = reals[index]!;
      const underWay = queued.get(real);
      if (underWay) {
        alreadyDone.push({ ...item, output: underWay.output });
        if (underWay.input !== item.input) linked.push({ input: item.input, queuedAs: underWay.input });
        continue;
      }
      // Also where the other "Batch results" choice put it: a rerun after changing it finds them.
      const search = { suffix, ...(format ? { format } : {}), otherFolders: resultFoldersOf(item.input, BATCH_SUBFOLDER), othersPlanned: taken, listing };
      const found = await findResult(item, search);
      if ('done' in found) alreadyDone.push({ ...item, output: found.done });
      else {
        for (const file of found.unreadable ?? []) leftOut.push(unreadableNote(file));
        const next = { ...item, output: found.output };
        realInputs.set(next, real);
        toDo.push(next);
        searches.set(next, search);
        taken.add(found.output);
      }
    }
    // A locked card or read-only disk: one note (or one error), not a failure per photo after its decode.
    const mayMake = settings.batchResults === 'subfolder';
    toDo.splice(0, toDo.length, ...(await writablePhotos(toDo, { mayMake, leftOut })));
    if (linked.length > 0) leftOut.push(linkedNote(linked));
    if (skipped.length > 0) leftOut.push(cancelledNote(skipped));
    // A quit or crash mid-write left the encoder's temp files in the photographer's folders: those
    // whose writing process is gone, for any result (the format changed since, or the result was
    // published before its carrier was removed); a live run's, this app's or a CLI's, stay.
    await removeStaleTempFiles(plan.flatMap((item) => [path.dirname(item.output), ...resultFoldersOf(item.input, BATCH_SUBFOLDER)]));
    const title = request.title ?? (paths.length === 1 ? path.basename(paths[0]!) : `${paths.length} items`);
    // Unique across sessions: the journal names it, and an interrupted one is offered by it next time.
    const runId = newId('batch');
    // What the next start needs to offer this batch if it never ends (a crash, a quit): written
    // before its photos' lines. The same paths dropped again finish an interrupted batch.
    context.interruptedBatches.closeSame(paths);
    if (toDo.length > 0) {
      const record = { runId, title, paths, strength: request.strength, modelId: request.modelId, settings, photos: plan.length, alreadyDone: alreadyDone.length, queued: toDo.length, startedAt: Date.now(), cancelled: skipped };
      context.journal.append({ batch: record });
    }
    const items: IpcResponse<'batch'>['items'] = [];
    for (const item of toDo) {
      const job = context.jobs.enqueue(
        'batch-item',
        // An "Unshaken" folder that cannot be made fails its own photos (named in the Batch
        // panel), not the other folders of the batch.
        ({ signal, progress }) => inResultsFolder(item, async () => {
          try {
            const result = await context.engine.request(
              'deblurTo',
              {
                path: item.input,
                outPath: item.output,
                strength: request.strength,
                modelId: request.modelId,
                userModelsDir: context.paths.userModelsDir,
                maxMegapixels: settings.maxMegapixels,
                preferredProvider: settings.preferredExecutionProvider,
                format: settings.outputFormat,
                quality: settings.jpegQuality,
              },
              { signal, onProgress: progress },
            );
            reportExecutionProvider(context, settings.preferredExecutionProvider, result.executionProvider);
            return result.notes.length > 0 ? { notes: result.notes } : undefined;
          } catch (error) {
            // Another run (a second drop elsewhere, the CLI) wrote this photo's result meanwhile:
            // the photo is done, not failed.
            if (await doneMeanwhile(error, item, searches.get(item) ?? {})) return;
            // The worker killed mid-encode (a quit, a crash) cannot remove its own temp file.
            await removeStaleTempFiles([path.dirname(item.output)]);
            // The later photos of the batch that would fail the same way are stopped, for Run again.
            const stop = await failureStop(error, item.output, { mayMake, modelId: request.modelId });
            if (!stop) throw error;
            if (stop.reason === 'model-unusable') await context.modelFailures.record(request.modelId, error);
            for (const other of items) if (pending.has(other.jobId) && pending.get(other.jobId) !== item && stop.stops(other.output)) context.jobs.cancel(other.jobId, stop.reason);
            throw stop.error;
          }
        }),
        runId,
      );
      pending.set(job.id, item);
      runOf.set(job.id, runId);
      items.push({ jobId: job.id, ...item });
    }
    const subfoldersLeftOut = await countSubfolders(paths, [BATCH_SUBFOLDER]);
    // A batch no longer remembered takes its photos' jobs with it: nothing can ask about them now.
    const forgotten = runs.length >= MAX_RUNS_KEPT ? runs.shift() : undefined;
    if (forgotten) {
      settingsOfRun.delete(forgotten.runId);
      for (const item of forgotten.items) context.jobs.forget(item.jobId);
    }
    runs.push({ runId, title, paths, strength: request.strength, modelId: request.modelId, items, alreadyDone, subfoldersLeftOut, leftOut });
    settingsOfRun.set(runId, settings);
    return { runId, items, alreadyDone, subfoldersLeftOut, leftOut };
  };
  const cancelBatch = async ({ runId }: IpcParsedRequest<'cancelBatch'>): Promise<IpcResponse<'cancelBatch'>> => {
    const run = runs.find((other) => other.runId === runId);
    if (!run) throw new UnshakeError('JOB_NOT_FOUND', 'There is no such batch in this session.');
    // One synchronous pass: the running photo's end, which lets the queue start the next, comes
    // later (its worker answers the cancel), and by then every photo of the batch is cancelled.
    // One request per photo from the window left room for the next to start between two.
    return { cancelled: run.items.filter((item) => context.jobs.cancel(item.jobId)).length };
  };
  return { batch, batchRuns, cancelBatch, startBatch };
}

/** What a resume or Run again is handed besides the request. */
interface StartOptions {
  settings: Settings;
  /** Notes of what was left out before the batch was planned. */
  leftOut: string[];
  /** Photos the user cancelled in the interrupted run being resumed: left out again. */
  cancelled?: readonly string[];
  /**
   * The paths were handed over in the session that started the batch (a resume, from its journal
   * record): planned without a grant of this one, so a resume that fails hands nothing over.
   */
  handedOverBefore?: boolean;
}

/** Batches remembered for a reloaded window (only those still under way are shown). */
const MAX_RUNS_KEPT = 100;
/** The newest batches a reloaded window gets back: more would only be a long list to clear. */
const RUNS_RESTORED = 20;
