import { mkdir, stat } from 'node:fs/promises';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { extensionFor } from '../../../model/src/image/formats.js';
import { photoFilesIn, planBatch, type BatchItem } from '../../../model/src/image/photo-files.js';
import type { ServiceContext } from './context.js';
import { requireAbsolutePath } from './paths.js';

/**
 * Queues a batch: one 'batch-item' job per photo of the dropped folders and files, each written
 * straight to its result file (photo-unshaken.*, next to the original or in `outDir`) in the
 * settings' format, never over an existing file. A photo whose result is already there is
 * reported as done, not queued, so dropping the same folder again after a crash or quit finishes
 * what was left. A photo that fails (damaged, too large) fails alone: its job says why.
 */
export function createBatchService(context: ServiceContext): (request: IpcParsedRequest<'batch'>) => Promise<IpcResponse<'batch'>> {
  return async (request) => {
    const paths = request.paths.map((p) => requireAbsolutePath(p, 'photo or folder path'));
    const outDir = request.outDir ? requireAbsolutePath(request.outDir, 'output folder') : undefined;
    const settings = context.settings.get();
    const ext = settings.outputFormat === 'same' ? undefined : extensionFor(settings.outputFormat);
    const plan = planBatch(await photoFilesIn(paths), { ...(ext ? { ext } : {}), ...(outDir ? { folder: outDir } : {}) });
    if (outDir) await mkdir(outDir, { recursive: true });
    const alreadyDone: BatchItem[] = [];
    const items: IpcResponse<'batch'>['items'] = [];
    for (const item of plan) {
      if (await stat(item.output).then(() => true, () => false)) {
        alreadyDone.push(item);
        continue;
      }
      const job = context.jobs.enqueue(
        'batch-item',
        async ({ signal, progress }) => {
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
          context.engineState.executionProvider = result.executionProvider;
        },
        item,
      );
      items.push({ jobId: job.id, ...item });
    }
    return { items, alreadyDone };
  };
}
