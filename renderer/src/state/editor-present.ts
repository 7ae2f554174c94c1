import type { JobNote } from '../lib/job-notes.js';
import { app } from './app.svelte.js';
import { canvasView } from './canvas-view.svelte.js';
import { modelChoice } from './model-choice.svelte.js';
import { selection } from './selection.svelte.js';

/** What of the editor a result brought back on screen sets (editor.svelte.ts). */
export type PresentingEditor = {
  readonly jobId: string | null;
  /** The slider's strength, in per cent. */
  strength: number;
};

/**
 * A job's result just put on screen: the strength it was left at, the selection and model it was
 * made with (so it can be saved), from Fit.
 */
export function restoreResultSettings(editor: PresentingEditor, jobId: string, note: JobNote): void {
  // At the strength it was left at on screen (kept by main over a reload), else its last save's.
  const strength = note.strength ?? note.saves.at(-1)?.strength;
  if (strength !== undefined) editor.strength = strength;
  canvasView.reset();
  selection.restore(note.madeWith.mask);
  const made = note.madeWith.modelId;
  if (app.models.some((model) => model.id === made)) modelChoice.chosen = made;
  // After a reload the list is still on its way: picked once it is there, unless the user picked one.
  else
    void app.loaded.then(() => {
      if (editor.jobId === jobId && modelChoice.chosen === null && app.models.some((m) => m.id === made)) modelChoice.chosen = made;
    });
}
