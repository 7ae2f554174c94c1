import type { OpenImageResult } from '../../../electron/common/index.js';
import { api } from '../lib/api.js';
import { noteFromRestored, type JobNote } from '../lib/job-notes.js';
import { recall, recallSelection, SELECTION_MEMORY } from '../lib/window-memory.js';
import { errors } from './errors.svelte.js';
import { jobs } from './jobs.svelte.js';
import { selection } from './selection.svelte.js';

/** What of the editor a restore fills in (editor.svelte.ts). */
export type RestorableEditor = {
  jobNotes: Record<string, JobNote>;
  image: OpenImageResult | null;
  opening: boolean;
  /** The slider's strength, in per cent (kept over the reload). */
  readonly strength: number;
  showPhoto(image: OpenImageResult): void;
  present(jobId: string, note: JobNote): void;
  follow(jobId: string): Promise<void>;
};

/**
 * After a reload (Ctrl+R, a renderer crash): the deblurs main still holds come back as job
 * cards with their photos and saves, and the photo that was on screen comes back with the
 * result it showed (its job followed while it runs), unless a photo was opened meanwhile.
 */
export async function restoreEditorSession(editor: RestorableEditor): Promise<void> {
  // Read before anything is shown: showing a photo rewrites what the window remembers.
  const remembered = recall(SELECTION_MEMORY);
  try {
    const { deblurs, current } = await api.editorJobs();
    for (const deblur of deblurs) {
      jobs.record(deblur.job);
      editor.jobNotes[deblur.job.id] ??= noteFromRestored(deblur);
    }
    if (!current || editor.image || editor.opening) return;
    const shown = deblurs.find((d) => d.job.id === current.jobId && d.image.imageId === current.image.imageId);
    // The selection as it was drawn: perhaps not yet deblurred, or changed since the result.
    const drawn = recallSelection(current.image.imageId, remembered);
    if (!shown) {
      editor.showPhoto(current.image);
      if (drawn) selection.restore(drawn.mask);
      return;
    }
    // At once, with its Cancel, not after the model list and settings (still on their way after a
    // reload): the model it was made with is picked once the list is there (present).
    // At the strength the slider was left at before the reload, not its last save's.
    const note = editor.jobNotes[shown.job.id]!;
    note.strength ??= editor.strength;
    editor.present(shown.job.id, note);
    // A step of its own: Undo goes back to the selection the result was made with.
    if (drawn) selection.use(drawn.mask);
    await editor.follow(shown.job.id);
  } catch (error) {
    errors.show(error);
  }
}
