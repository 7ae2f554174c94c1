import { isTerminal } from '../../common/job-state.js';
import type { ServiceContext } from './context.js';
import { resultsToRemove } from './result-policy.js';

/** The newest result of a photo and the one before it: what Save, and a cancelled or failed re-run, come back to. */
export const RESULTS_PER_PHOTO = 2;
/** Beyond this the oldest results of photos not on screen go (a 24 MP result is ~28 MB of PNG). */
export const RESULTS_BUDGET_BYTES = 1024 ** 3;

/**
 * Removes the results the window can no longer reach, or that the folder's budget cannot hold:
 * run whenever that may have changed (a deblur done, a photo opened, another photo or result on
 * screen). Their jobs' cards then say the result is no longer kept.
 */
export async function pruneResults(context: ServiceContext): Promise<void> {
  const shown = context.editorShowing;
  const pinned = context.results.reading();
  if (shown?.jobId) {
    pinned.add(shown.jobId);
    // A re-run on screen that has not (or not yet, for the window) given a result: it brings this back.
    const restores = context.editorDeblurs.get(shown.jobId)?.restores;
    if (restores && context.jobs.get(shown.jobId)?.state.status !== 'done') pinned.add(restores);
  }
  // Another photo's re-run still running: its card's Show follows it, and it may end without a result.
  for (const [jobId, deblur] of context.editorDeblurs) {
    const status = context.jobs.get(jobId)?.state.status;
    if (deblur.restores && status && !isTerminal(status)) pinned.add(deblur.restores);
  }
  const remove = resultsToRemove({
    held: context.results.held(),
    isOpen: (imageId) => context.images.get(imageId) !== undefined,
    pinned,
    shownImageId: shown?.imageId ?? null,
    perPhoto: RESULTS_PER_PHOTO,
    budgetBytes: context.results.budgetBytes,
  });
  await context.results.remove(remove);
}
