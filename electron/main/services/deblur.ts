import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import type { ServiceContext } from './context.js';

/**
 * Queues a deblur of an opened image. The worker writes a lossless PNG of the result to
 * userData/results/<jobId>.png; save() later encodes it into the user's format.
 */
export function createDeblurService(
  context: ServiceContext,
): (request: IpcParsedRequest<'deblur'>) => Promise<IpcResponse<'deblur'>> {
  return async (request) => {
    const image = context.images.get(request.imageId);
    if (!image) throw new UnshakeError('IMAGE_NOT_OPEN', 'That image is no longer open; open it again.');
    const settings = context.settings.get();
    const input = { imageId: image.imageId, path: image.path, mask: request.mask, strength: request.strength, modelId: request.modelId };
    const job = context.jobs.enqueue(
      'deblur',
      async ({ jobId, signal, progress }) => {
        const resultPath = path.join(context.paths.resultsDir, `${jobId}.png`);
        try {
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
          );
          context.engineState.executionProvider = result.executionProvider;
          if (signal.aborted) throw new UnshakeError('CANCELLED', 'The job was cancelled.');
          context.results.set(jobId, {
            imageId: image.imageId,
            sourcePath: image.path,
            sourceFormat: image.metadata.format,
            resultPath,
          });
        } catch (error) {
          // No half-written or orphaned result for a job that did not finish.
          await rm(resultPath, { force: true });
          throw error;
        }
      },
      input,
    );
    return { jobId: job.id };
  };
}
