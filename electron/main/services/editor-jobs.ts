import type { IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';
import { openImageResult } from './open-image.js';

/**
 * The editor's deblurs of this session, for a window that was reloaded (Ctrl+R, a renderer
 * crash): the job cards come back with their photos, their Show and their saves, and a deblur
 * still running is followed again. Jobs whose photo the registry has since forgotten (it keeps
 * the newest 200) are left out: there is nothing to show them with.
 */
export function createEditorJobsService(context: ServiceContext): () => Promise<IpcResponse<'editorJobs'>> {
  return async () =>
    [...context.editorDeblurs].flatMap(([jobId, deblur]) => {
      const job = context.jobs.get(jobId);
      const image = context.images.get(deblur.imageId);
      if (!job || !image) return [];
      const madeWith = { modelId: deblur.modelId, ...(deblur.mask ? { mask: deblur.mask } : {}) };
      return [{ job, image: openImageResult(image), madeWith, saves: deblur.saves.map((save) => ({ ...save })) }];
    });
}
