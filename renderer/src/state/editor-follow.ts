import { ApiError } from '../lib/api.js';
import { earlierResult } from '../lib/earlier-result.js';
import type { JobNote } from '../lib/job-notes.js';
import type { ModelProblem } from '../lib/model-problem.js';
import { app } from './app.svelte.js';
import { canvasView } from './canvas-view.svelte.js';
import { errors } from './errors.svelte.js';
import { jobs } from './jobs.svelte.js';

/** What of the editor following a job reads and changes (editor.svelte.ts). */
export type FollowingEditor = {
  readonly jobId: string | null;
  readonly jobNotes: Record<string, JobNote>;
  readonly modelProblem: ModelProblem | null;
  modelRefused(): Promise<void>;
  /** An earlier result of the photo on screen, back on screen as it was. */
  returnTo(jobId: string): void;
};

/** Waits for the job to end and shows how, unless another photo has replaced it meanwhile. */
export async function followJob(editor: FollowingEditor, jobId: string): Promise<void> {
  try {
    const final = await jobs.settled(jobId);
    if (editor.jobId !== jobId) return;
    if (final.state.status === 'failed') {
      // A model ONNX Runtime refused is now listed as unusable: the Model menu's banner says it, with ORT's reason, once.
      if (final.state.error.code === 'MODEL_INVALID') await editor.modelRefused();
      if (final.state.error.code !== 'MODEL_INVALID' || !editor.modelProblem) errors.show(new ApiError(final.state.error.code, final.state.error.message));
    }
    if (final.state.status !== 'done') backToEarlier(editor, jobId);
    if (final.state.status === 'done') {
      // Show the fix at once; the user compares with "\" or Before/After, then decides to save.
      canvasView.showFix();
      // The execution provider is decided when the first session loads: show what really ran.
      await app.refreshInfo();
    }
  } catch (error) {
    if (editor.jobId === jobId) errors.show(error);
  }
}

/**
 * A deblur of this photo ended without a result (cancelled, failed): the photo's result before it
 * comes back, with the selection and model as they are now (flagged if they differ).
 */
function backToEarlier(editor: FollowingEditor, jobId: string): void {
  const earlier = earlierResult(jobId, editor.jobNotes, jobs.byId);
  if (earlier) editor.returnTo(earlier);
}
