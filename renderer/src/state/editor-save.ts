import type { JobNote, SavedFile } from '../lib/job-notes.js';
import { app } from './app.svelte.js';
import { errors } from './errors.svelte.js';

/** What of the editor a save reads and records (editor.svelte.ts). */
export type SavingEditor = {
  readonly jobId: string | null;
  /** The slider's strength, in per cent. */
  readonly strength: number;
  saving: 'save' | 'save-as' | null;
  jobNotes: Record<string, JobNote>;
};

/** A save's request to main: the job, its strength 0–1 and the Output panel's quality. */
export type SaveRequest = { jobId: string; strength: number; quality?: number };

/**
 * One save of the current result at the strength shown, by Save or Save As… (`write` asks main;
 * null from it: cancelled), recorded on the job saved so its card says where and at what strength.
 */
export async function saveResult(editor: SavingEditor, which: 'save' | 'save-as', write: (request: SaveRequest) => Promise<{ path: string; bytes: number } | null>): Promise<void> {
  const jobId = editor.jobId;
  if (!jobId) return;
  editor.saving = which;
  try {
    // The strength read once: the slider may move while the file is written.
    const strength = editor.strength;
    // A quality or format just typed in the Output panel is stored first: the file has what it shows.
    await app.settingsStored();
    const quality = app.settings?.jpegQuality;
    const saved = await write({ jobId, strength: strength / 100, ...(quality ? { quality } : {}) });
    // Recorded on the job saved: another photo may have been opened meanwhile.
    const note = editor.jobNotes[jobId];
    if (saved && note) recordSave(editor.jobNotes, note, { ...saved, strength, quality, via: which });
    // A file written: an earlier save's refusal of this photo (a BMP, the original's own path) is over.
    if (saved) errors.withdraw(savesOf(note, jobId));
  } catch (error) {
    errors.show(error, savesOf(editor.jobNotes[jobId], jobId));
  } finally {
    editor.saving = null;
  }
}

/**
 * A save on its job's card. An earlier save of the same path (its file deleted and saved again,
 * or replaced by Save As…) no longer holds what it says: it leaves every card, as in main (save.ts).
 */
function recordSave(notes: Record<string, JobNote>, note: JobNote, save: SavedFile): void {
  for (const other of Object.values(notes)) if (other.saves.some((earlier) => earlier.path === save.path)) other.saves = other.saves.filter((earlier) => earlier.path !== save.path);
  note.saves.push(save);
}

/** What the banner knows a save's error by: the saves of its photo (any of its results), else of its job. */
function savesOf(note: JobNote | undefined, jobId: string): string {
  return `save:${note?.image.imageId ?? jobId}`;
}
