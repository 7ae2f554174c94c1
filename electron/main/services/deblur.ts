import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import type { JobResultPreview } from '../../common/job-state.js';
import { toErrorInfo, UnshakeError } from '../../../model/src/errors.js';
import { resultPreviewUrl } from '../images/image-protocol.js';
import { changedOnDisk, readAsOpened, requireUnchanged } from '../images/opened-file.js';
import { reportExecutionProvider, type ServiceContext } from './context.js';
import type { ResultFile } from './result-previews.js';
import { rememberEditorDeblur } from './editor-jobs.js';
import { pruneResults } from './prune-results.js';
import { inResultDiskTerms, requireResultSpace } from './result-space.js';

/**
 * Queues a deblur of an opened image. The worker writes a lossless PNG of the result to
 * userData/results/<jobId>.png; save() later encodes it into the user's format. The `done`
 * snapshot carries the result's preview so the renderer shows before/after before any Save.
 */
export function createDeblurService(
  context: ServiceContext,
): (request: IpcParsedRequest<'deblur'>) => Promise<IpcResponse<'deblur'>> {
  return async (request) => {
    const image = context.images.get(request.imageId);
    if (!image) throw new UnshakeError('IMAGE_NOT_OPEN', 'That image is no longer open; open it again.');
    const settings = context.settings.get();
    const job = context.jobs.enqueue(
      'deblur',
      async ({ jobId, signal, progress }) => {
        const resultPath = path.join(context.paths.resultsDir, `${jobId}.png`);
        try {
          // The photo on screen, not another picture saved over it since (opened-file.ts).
          await requireUnchanged(image);
          const disk = { resultsDir: context.paths.resultsDir, userDataDir: context.paths.userDataDir };
          await requireResultSpace(disk, image.metadata);
          const result = await context.engine.request(
            'deblur',
            {
              path: image.path,
              outPath: resultPath,
              ...(request.mask ? { mask: request.mask } : {}),
              strength: request.strength,
              modelId: request.modelId,
              userModelsDir: context.paths.userModelsDir,
              maxMegapixels: settings.maxMegapixels,
              preferredProvider: settings.preferredExecutionProvider,
            },
            { signal, onProgress: progress },
          ).catch(async (error: unknown) => {
            throw await inResultDiskTerms(error, disk, image.metadata);
          });
          // Saved over while it was read: the result may be of the new picture (rated meanwhile, it is not).
          if (!(await readAsOpened(image, result.source))) throw changedOnDisk(image);
          reportExecutionProvider(context, settings.preferredExecutionProvider, result.executionProvider);
          // The result is the photo's size: a preview as long as the photo's is the same size as it.
          const previewEdge = Math.max(image.preview.width, image.preview.height);
          const file = { resultPath, maxMegapixels: settings.maxMegapixels, previewEdge };
          const preview = await resultPreview(context, jobId, file, image.path, signal);
          if (signal.aborted) throw new UnshakeError('CANCELLED', 'The job was cancelled.');
          const { size } = await stat(resultPath);
          context.results.add(
            jobId,
            { imageId: image.imageId, sourcePath: image.path, sourceFormat: image.metadata.format, source: result.source, ...file, strength: request.strength },
            size,
          );
          // Before `done`: the results this one replaces are gone by the time the window hears of it.
          await pruneResults(context);
          if (signal.aborted) throw new UnshakeError('CANCELLED', 'The job was cancelled.');
          // Said with the result: other pages, an extra channel, float highlights (decode.ts).
          const notes = result.source.notes ?? [];
          return { result: preview, ...(notes.length > 0 ? { notes } : {}) };
        } catch (error) {
          // No half-written or orphaned result for a job that did not finish (one held waits for its readers).
          if (context.results.get(jobId)) await context.results.remove([jobId]);
          else await rm(resultPath, { force: true });
          // Before the job fails: the window lists the models again when it hears, and finds it unusable.
          await context.modelFailures.record(request.modelId, error);
          throw error;
        }
      },
      // Not journaled: a deblur cannot be resumed (its result folder is emptied at start).
    );
    // The result on screen, if this photo's: a cancelled or failed re-run brings it back, so it is kept till then.
    const shown = context.editorShowing?.imageId === image.imageId ? context.editorShowing.jobId : null;
    rememberEditorDeblur(context, job.id, { imageId: image.imageId, modelId: request.modelId, mask: request.mask, saves: [], ...(shown ? { restores: shown } : {}) });
    return { jobId: job.id };
  };
}

/**
 * Makes the result's screen preview now, while the job still shows as running, so `done` can
 * say its size and the first request for it is instant. A result that cannot be shown fails the
 * job, in words that name the photo: `done` without a preview left "After" empty and said
 * nothing, and the editor shows a failed job's message and brings back the result before it.
 */
async function resultPreview(
  context: ServiceContext,
  jobId: string,
  file: ResultFile,
  photoPath: string,
  signal: AbortSignal,
): Promise<JobResultPreview> {
  try {
    const { width, height } = await context.resultPreviews.get(jobId, file, signal);
    return { previewUrl: resultPreviewUrl(jobId), width, height };
  } catch (error) {
    if (signal.aborted) throw error;
    const { code, message } = toErrorInfo(error);
    throw new UnshakeError(
      code,
      `${path.basename(photoPath)} was deblurred, but its result could not be shown: ${message.replace(/\.?$/, '.')} Press Deblur to run it again.`,
      { cause: error },
    );
  }
}
