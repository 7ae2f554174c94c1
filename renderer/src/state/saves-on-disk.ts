import { api } from '../lib/api.js';
import type { JobNote } from '../lib/job-notes.js';

/**
 * Whenever the window gets the focus back (as the model list is listed again), asks main which
 * saved files are gone — deleted or moved in a file manager — and marks those saves so, and
 * unmarks one put back: Save then writes again what is no longer there, instead of staying greyed
 * out. Returns the unsubscribe.
 */
export function watchSavesOnDisk(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, notes: () => Record<string, JobNote>): () => void {
  const check = async () => {
    const gone = new Set((await api.missingSaves()).paths);
    for (const note of Object.values(notes()))
      for (const save of note.saves) {
        const missing = gone.has(save.path);
        if ((save.gone ?? false) !== missing) save.gone = missing;
      }
  };
  // A check that fails leaves Save as it was: the next focus asks again.
  const refresh = () => void check().catch(() => {});
  target.addEventListener('focus', refresh);
  return () => target.removeEventListener('focus', refresh);
}
