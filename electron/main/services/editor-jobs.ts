import { access } from 'node:fs/promises';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import type { EditorDeblur, ServiceContext } from './context.js';
import { openImageResult } from './open-image.js';
import { pruneResults } from './prune-results.js';

/**
 * What a window that was reloaded (Ctrl+R, a renderer crash) needs to carry on: the editor's
 * deblurs of this session, so the job cards come back with their photos, Show and saves, and the
 * photo and result that were on screen (as the window last said), its deblur followed again if
 * it still runs. Jobs whose photo the registry has forgotten (it keeps the newest 200) are
 * dropped: nothing could show them.
 */
export function createEditorJobsService(context: ServiceContext): () => Promise<IpcResponse<'editorJobs'>> {
  return async () => {
    // A save still being written (the window reloaded meanwhile) belongs on its card: its reply
    // went to the page that is gone, so the new one learns of it only from here.
    await Promise.allSettled([...context.savesWriting]);
    const deblurs = [...context.editorDeblurs].flatMap(([jobId, deblur]) => {
      const known = context.jobs.get(jobId);
      const job = known && context.results.view(known);
      const image = context.images.get(deblur.imageId);
      if (!job || !image) return [];
      const madeWith = { modelId: deblur.modelId, ...(deblur.mask ? { mask: deblur.mask } : {}) };
      const strength = deblur.strength !== undefined ? { strength: deblur.strength } : {};
      return [{ job, image: openImageResult(image), madeWith, saves: deblur.saves.map((save) => ({ ...save })), ...strength }];
    });
    const showing = context.editorShowing;
    const image = showing ? context.images.get(showing.imageId) : undefined;
    return { deblurs, current: showing && image ? { image: openImageResult(image), jobId: showing.jobId } : null };
  };
}

/**
 * The window says which photo it shows (opened, or brought back with Show), and the strength its
 * result is shown at: only it knows, as opens can overlap and Show and the slider are the window's
 * own. A photo not (or no longer) open is ignored.
 */
export function createEditorShowingService(context: ServiceContext): (request: IpcParsedRequest<'editorShowing'>) => Promise<IpcResponse<'editorShowing'>> {
  return async ({ imageId, jobId, strength }) => {
    if (!context.images.get(imageId)) return {};
    const shown = context.editorShowing;
    const moved = shown?.imageId !== imageId || shown.jobId !== (jobId ?? null);
    context.editorShowing = { imageId, jobId: jobId ?? null };
    const deblur = jobId ? context.editorDeblurs.get(jobId) : undefined;
    if (deblur?.imageId === imageId && strength !== undefined) deblur.strength = strength;
    // The photo moved away from may have more results than the window can reach now (a slider
    // move, told at each step, changes nothing there).
    if (moved) await pruneResults(context);
    return {};
  };
}

/** Records an editor deblur, and forgets those whose photo is gone. */
export function rememberEditorDeblur(context: ServiceContext, jobId: string, deblur: EditorDeblur): void {
  context.editorDeblurs.set(jobId, deblur);
  // The editor deblurs the photo it shows, so its result is what the window shows next (the
  // window tells main when it has moved on to another photo, which then wins).
  if (context.editorShowing?.imageId === deblur.imageId) context.editorShowing = { imageId: deblur.imageId, jobId };
  // Masks can be large (brush strokes): entries no reload could show are not kept all session.
  for (const [id, known] of context.editorDeblurs) if (!context.images.get(known.imageId)) context.editorDeblurs.delete(id);
}

/** The editor's saves (by Save or Save As…) whose file is gone: only paths main wrote, never one the page names. */
export function createMissingSavesService(context: ServiceContext): () => Promise<IpcResponse<'missingSaves'>> {
  return async () => {
    const written = new Set([...context.editorDeblurs.values()].flatMap((deblur) => deblur.saves.map((save) => save.path)));
    const there = await Promise.all([...written].map(async (file) => ({ file, there: await access(file).then(() => true, () => false) })));
    return { paths: there.filter((entry) => !entry.there).map((entry) => entry.file) };
  };
}
