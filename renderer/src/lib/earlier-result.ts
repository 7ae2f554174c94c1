import type { JobSnapshot } from '../../../electron/common/index.js';

/** What of a job note (job-notes.ts) this reads: its photo, and the result on screen when it started. */
type Noted = { image: { imageId: string }; shownBefore?: string | undefined };

/**
 * The finished result a deblur of the photo on screen leaves on screen when it ends without one
 * (cancelled, failed): the result that was on screen when it started, if it is still there (a
 * reloaded window does not know it), else the photo's newest result made before it. Null: none.
 * Without this, cancelling a second Deblur took a good result off screen, and Save with it.
 */
export function earlierResult(jobId: string, notes: Readonly<Record<string, Noted>>, jobs: Readonly<Record<string, JobSnapshot>>): string | null {
  const note = notes[jobId];
  const job = jobs[jobId];
  if (!note || !job) return null;
  const kept = (id: string) => {
    const state = jobs[id]?.state;
    return state?.status === 'done' && !state.resultRemoved;
  };
  // A result main no longer keeps (an older one of the photo) cannot come back.
  const done = (id: string) => kept(id) && notes[id]?.image.imageId === note.image.imageId;
  if (note.shownBefore && done(note.shownBefore)) return note.shownBefore;
  const earlier = Object.keys(notes).filter((id) => id !== jobId && done(id) && jobs[id]!.createdAt <= job.createdAt);
  return earlier.sort((a, b) => jobs[b]!.createdAt - jobs[a]!.createdAt)[0] ?? null;
}
