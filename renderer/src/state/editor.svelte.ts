import { isTerminal, type JobResultPreview, type JobSnapshot, type OpenImageResult } from '../../../electron/common/index.js';
import { api } from '../lib/api.js';
import { looksLikeFolder, pathOnDisk, singleImageFile } from '../lib/image-file.js';
import { MODEL_PROBLEM_SOURCE, type ModelProblem } from '../lib/model-problem.js';
import { savedAlready, type DeblurSettings, type JobNote, type SavedFile } from '../lib/job-notes.js';
import { recallStrength, rememberStrength } from '../lib/window-memory.js';
import { app } from './app.svelte.js';
import { batch } from './batch.svelte.js';
import { canvasView } from './canvas-view.svelte.js';
import { followJob } from './editor-follow.js';
import { restoreResultSettings } from './editor-present.js';
import { restoreEditorSession } from './editor-restore.js';
import { sayImageChanged } from './preview-lost.js';
import { saveResult } from './editor-save.js';
import { errors } from './errors.svelte.js';
import { jobs } from './jobs.svelte.js';
import { maskKey, selection } from './selection.svelte.js';
import { modelChoice } from './model-choice.svelte.js';

/**
 * The one photo being edited: open → deblur (job) → compare → save. The finished job's snapshot
 * carries a preview of the result (served by main's image protocol), so before/after works as
 * soon as the job is done; Save stays a separate, explicit step.
 *
 * Deblur always runs the network at full strength; the slider is applied afterwards — on screen
 * as the result's opacity over the original, on Save by blending in the engine — so trying
 * another strength is instant instead of another run (the engine's blend is linear, so both
 * give what a run at that strength would, within one level).
 */
class EditorState {
  image = $state<OpenImageResult | null>(null);
  opening = $state(false);
  jobId = $state<string | null>(null);
  /** A Deblur request is on its way to main and its job id not back yet. */
  starting = $state(false);
  /** Which save is writing (Save As… from its dialog on), if one is. */
  saving = $state<'save' | 'save-as' | null>(null);
  // Kept over a reload: the job cards say the strength each save had, and Save writes at this one.
  private chosenStrength = $state<number | null>(recallStrength());
  /** Per job of this session: its photo, the settings it ran with, and where it was saved. */
  jobNotes = $state<Record<string, JobNote>>({});
  /** The current job's: what the result on screen was made with, and where it was last saved. */
  madeWith = $derived<DeblurSettings | null>(this.jobId ? (this.jobNotes[this.jobId]?.madeWith ?? null) : null);
  saved = $derived<SavedFile | null>(this.jobId ? (this.jobNotes[this.jobId]?.saves.at(-1) ?? null) : null);
  /** Counts opens, so a slower earlier one cannot replace the photo a later one opened. */
  private opens = 0;

  job = $derived<JobSnapshot | null>(this.jobId ? (jobs.byId[this.jobId] ?? null) : null);
  busy = $derived(this.job !== null && !isTerminal(this.job.state.status));
  // Not while saving: the new job would replace the result being saved under the user's eyes.
  canDeblur = $derived(this.image !== null && !this.opening && !this.starting && !this.busy && !this.saving && this.modelId !== '');
  /** The finished job's result preview: what "After" shows. */
  result = $derived<JobResultPreview | null>(this.job?.state.status === 'done' ? (this.job.state.result ?? null) : null);
  /**
   * The result on screen was made with another model than the picker shows, or another selection
   * than the one drawn. Save would write what the user has moved away from, so it waits for
   * another Deblur (or for the settings to come back). An alias ("Base model") and the model it
   * runs count as one.
   */
  modelChanged = $derived(this.madeWith !== null && modelChoice.runsAs(this.madeWith.modelId) !== modelChoice.runsAs(this.modelId));
  selectionChanged = $derived(this.madeWith !== null && maskKey(this.madeWith.mask) !== maskKey(selection.mask));
  stale = $derived(this.result !== null && (this.modelChanged || this.selectionChanged));
  /** Saved already at this strength, where and as Save would write: another Save would only write a copy. */
  savedAsShown = $derived.by(() => {
    const note = this.jobId ? this.jobNotes[this.jobId] : undefined;
    return note !== undefined && app.settings !== null && savedAlready(note, this.strength, app.settings);
  });
  /** Another place or name is always another file: Save As… needs only a current result. */
  canSaveAs = $derived(this.job?.state.status === 'done' && !this.job.state.resultRemoved && !this.stale && !this.saving);
  canSave = $derived(this.canSaveAs && !this.savedAsShown);
  /** Deblur was pressed on this job's result, made as it would be now: said instead of minutes of the same run. */
  alreadyDone = $state<string | null>(null);
  /** A result brought back with Show, and the strength it came at: said (status-bar.svelte), since the slider is also a batch's. */
  shownAt = $state<{ jobId: string; strength: number } | null>(null);
  /** Ctrl+S was pressed (`presses` times) while Save would only write a file there already: said at each press (result-notice.svelte). */
  alreadySaved = $state<{ jobId: string; presses: number } | null>(null);

  /**
   * Strength in percent (0–100) for the slider; the settings' default until the user moves it. A
   * move is this window's only (kept over a reload, not a restart): how much fix a photo can bear
   * is judged photo by photo, so each result keeps the strength it was left at, and Show brings
   * it back with it; a batch runs at the slider's strength. The Output panel sets the default the
   * slider starts from.
   */
  get strength(): number {
    return this.chosenStrength ?? Math.round((app.settings?.defaultStrength ?? 1) * 100);
  }
  set strength(percent: number) {
    this.chosenStrength = percent;
    rememberStrength(percent);
    this.shownAt = null;
    const note = this.jobId ? this.jobNotes[this.jobId] : undefined;
    if (!note) return;
    note.strength = percent;
    this.showing(note.image, this.jobId!);
  }

  /** The model to run and whether it can (model-choice.svelte.ts), for the editor's views. */
  get modelId(): string {
    return modelChoice.id;
  }
  get modelProblem(): ModelProblem | null {
    return modelChoice.problem;
  }
  requireUsableModel(): string {
    return modelChoice.requireUsable();
  }
  chooseModel(id: string): void {
    modelChoice.choose(id);
  }
  modelRefused(): Promise<void> {
    return modelChoice.refused();
  }

  async openFile(files: FileList | readonly File[] | null | undefined): Promise<void> {
    try {
      const list = files ? Array.from(files) : [];
      // A folder or several photos are a batch: each result written next to its original.
      if (list.length > 1 || (list[0] && looksLikeFolder(list[0]))) return await batch.startDropped(list, this.batchSettings);
      const file = singleImageFile(files);
      await this.openPath(pathOnDisk(file));
    } catch (error) {
      errors.show(error);
    }
  }

  /** Deblur a folder…, with this editor's strength and model. */
  async chooseBatchFolder(): Promise<void> {
    await batch.chooseFolder(this.batchSettings).catch((error: unknown) => errors.show(error));
  }

  private readonly batchSettings = () => ({ strength: this.strength, modelId: this.requireUsableModel() });

  async openPath(path: string): Promise<void> {
    // Opens can overlap (drop, then drop again): only the latest may show its photo or error.
    const open = ++this.opens;
    this.opening = true;
    try {
      const image = await api.openImage(path);
      if (open !== this.opens) return;
      // The previous photo's deblur, if one runs, goes on: its job card shows it, and its Show
      // brings the photo back with the result. A deblur of this photo waits for it.
      this.showPhoto(image);
      errors.clear();
    } catch (error) {
      if (open === this.opens) errors.show(error);
    } finally {
      if (open === this.opens) this.opening = false;
    }
  }

  /** Deblurs the photo, unless the result on screen was made as it would be now and this is not `again`. */
  async deblur(again = false): Promise<void> {
    const image = this.image;
    if (!image || !this.canDeblur) return;
    errors.clear();
    if (this.modelProblem) return errors.show(this.modelProblem.error, MODEL_PROBLEM_SOURCE);
    // Same photo, model and selection (the strength is applied afterwards): the network gives
    // the same pixels, minutes later. Said, with a way to run it anyway (result-notice.svelte),
    // unless the photo is another picture on disk now: then that is said (preview-lost.ts).
    const done = !again && this.result && !this.stale ? this.jobId : null;
    this.alreadyDone = null;
    if (done && !(await sayImageChanged(image)) && this.jobId === done) this.alreadyDone = done;
    if (done) return;
    const jobId = await this.startDeblur(image);
    if (jobId) await this.follow(jobId);
  }

  /** Asks main for the job; null if it did not start, or if another photo was opened meanwhile (it runs on, on its card). */
  private async startDeblur(image: OpenImageResult): Promise<string | null> {
    // Until the job id is back, busy cannot tell: this keeps a second click from starting another.
    this.starting = true;
    // What this job is made with, read once: the picker may change while the request is on its way.
    const mask = selection.mask;
    const settings: DeblurSettings = { modelId: this.modelId, mask };
    const shownBefore = this.result ? (this.jobId ?? undefined) : undefined;
    try {
      // Full strength: the slider is applied to the result afterwards (class comment).
      const { jobId } = await api.deblur({ imageId: image.imageId, strength: 1, modelId: settings.modelId, ...(mask ? { mask } : {}) });
      this.jobNotes[jobId] = { fileName: image.fileName, image, madeWith: settings, saves: [], shownBefore, strength: this.strength };
      // Another photo was opened while the request was on its way: the job was asked for, so it
      // runs, on its card, without replacing the photo now on screen.
      if (this.image?.imageId !== image.imageId) return null;
      // Only now: a request that fails must leave the current (perhaps saved) result as it is.
      this.jobId = jobId;
      this.showing(image, jobId);
      return jobId;
    } catch (error) {
      if (this.image?.imageId === image.imageId) errors.show(error);
      return null;
    } finally {
      this.starting = false;
    }
  }

  /** Waits for the job to end and shows how, unless another photo has replaced it meanwhile (editor-follow.ts). */
  async follow(jobId: string): Promise<void> {
    await followJob(this, jobId);
  }

  returnTo(jobId: string): void {
    // The same photo: the slider stays where it was set for it.
    this.jobNotes[jobId]!.strength = this.strength;
    this.showing(this.jobNotes[jobId]!.image, jobId);
    this.jobId = jobId;
  }

  /** The selection the result on screen was made with, drawn again: its Save is back (Ctrl+Z undoes it). */
  useResultSelection(): void {
    if (this.madeWith) selection.use(this.madeWith.mask);
  }

  /**
   * Back to an earlier deblur of this session, from its job card: its photo and its result, as
   * they were (main keeps a photo's newest results: an older one's card has no Show), or its
   * progress while it still runs. Opening another photo thus never stops a result being made.
   */
  async showJob(jobId: string): Promise<void> {
    const note = this.jobNotes[jobId];
    if (!note || jobId === this.jobId) return;
    this.present(jobId, note);
    this.shownAt = { jobId, strength: this.strength };
    errors.clear();
    await this.follow(jobId);
  }

  /** Cancels a deblur from its job card, the one on screen or another photo's. */
  async cancelJob(jobId: string): Promise<void> {
    try {
      await api.cancelJob(jobId);
    } catch (error) {
      errors.show(error);
    }
  }

  /** After a reload: the cards, and the photo and result that were on screen (editor-restore.ts). */
  async restoreSession(): Promise<void> {
    await restoreEditorSession(this);
  }

  /** `image` on screen (with `jobId`'s result, at its strength); main is told, so a reloaded window shows it again (a lost message costs only that). */
  private showing(image: OpenImageResult, jobId?: string): void {
    // Another photo: the decoded previews and crops of the last one are never shown again.
    if (this.image && this.image.imageId !== image.imageId) api.releaseImageMemory();
    this.image = image;
    const percent = jobId ? this.jobNotes[jobId]?.strength : undefined;
    void api.editorShowing(image.imageId, jobId, percent === undefined ? undefined : percent / 100).catch(() => {});
  }

  /** A photo on screen with no result yet, and the whole photo to fix. */
  showPhoto(image: OpenImageResult): void {
    this.showing(image);
    this.jobId = null;
    canvasView.reset();
    selection.restore(undefined);
  }

  /** A job's photo and result on screen, with the selection, model and strength it was made and left with (so it can be saved). */
  present(jobId: string, note: JobNote): void {
    // Like an open: a slower open still on its way must not replace this photo.
    ++this.opens;
    this.opening = false;
    this.showing(note.image, jobId);
    this.jobId = jobId;
    restoreResultSettings(this, jobId, note);
  }

  async cancel(): Promise<void> {
    if (this.jobId && this.busy) await this.cancelJob(this.jobId);
  }

  async save(): Promise<void> {
    if (!this.canSave) {
      const jobId = this.canSaveAs && this.savedAsShown ? this.jobId : null;
      this.alreadySaved = jobId ? { jobId, presses: (this.alreadySaved?.jobId === jobId ? this.alreadySaved.presses : 0) + 1 } : null;
      return;
    }
    await saveResult(this, 'save', (request) => {
      const format = app.settings?.outputFormat;
      return api.save({ ...request, ...(format ? { format } : {}) });
    });
  }

  /** Save As…: the system's save dialog picks the place and the name (and so the type). */
  async saveAs(): Promise<void> {
    if (!this.canSaveAs) return;
    await saveResult(this, 'save-as', async (request) => (await api.saveAs(request)).saved);
  }
}

export const editor = new EditorState();
