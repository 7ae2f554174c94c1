import type { JobSnapshot, OpenImageResult } from '../../../electron/common/index.js';
import { api, ApiError } from '../lib/api.js';
import { singleImageFile } from '../lib/image-file.js';
import { app } from './app.svelte.js';
import { errors } from './errors.svelte.js';
import { jobs } from './jobs.svelte.js';

export type CanvasView = 'before' | 'after';

/**
 * The one photo being edited: open → deblur (job) → save. The result is shown by opening the
 * saved file like any other image, because the IPC contract carries previews only for opened
 * files (main never hands the renderer raw pixels).
 */
class EditorState {
  image = $state<OpenImageResult | null>(null);
  opening = $state(false);
  jobId = $state<string | null>(null);
  saving = $state(false);
  saved = $state<{ path: string; bytes: number } | null>(null);
  result = $state<OpenImageResult | null>(null);
  view = $state<CanvasView>('after');
  private chosenStrength = $state<number | null>(null);
  private chosenModel = $state<string | null>(null);

  job = $derived<JobSnapshot | null>(this.jobId ? (jobs.byId[this.jobId] ?? null) : null);
  busy = $derived(this.job?.state.status === 'queued' || this.job?.state.status === 'running');
  canDeblur = $derived(this.image !== null && !this.opening && !this.busy && this.modelId !== '');
  canSave = $derived(this.job?.state.status === 'done' && !this.saving && this.saved === null);
  /** What the canvas shows: the saved result when there is one and the user wants "after". */
  shown = $derived(this.result && this.view === 'after' ? this.result : this.image);

  /** Strength in percent (0–100) for the slider; the settings' default until the user moves it. */
  get strength(): number {
    return this.chosenStrength ?? Math.round((app.settings?.defaultStrength ?? 1) * 100);
  }
  set strength(percent: number) {
    this.chosenStrength = percent;
  }

  /** The model to run: the user's pick, else the settings' default if installed, else the first. */
  get modelId(): string {
    if (this.chosenModel !== null) return this.chosenModel;
    const preferred = app.models.find((model) => model.id === app.settings?.defaultModelId);
    return (preferred ?? app.models[0])?.id ?? '';
  }
  set modelId(id: string) {
    this.chosenModel = id;
  }

  async openFile(files: FileList | readonly File[] | null | undefined): Promise<void> {
    try {
      const file = singleImageFile(files);
      const path = api.pathForFile(file);
      if (!path) throw new ApiError('FILE_NOT_FOUND', `“${file.name}” is not a file on disk; save it first, then drop it here.`);
      await this.openPath(path);
    } catch (error) {
      errors.show(error);
    }
  }

  async openPath(path: string): Promise<void> {
    this.opening = true;
    try {
      const image = await api.openImage(path);
      this.image = image;
      this.jobId = null;
      this.saved = null;
      this.result = null;
      this.view = 'after';
    } catch (error) {
      errors.show(error);
    } finally {
      this.opening = false;
    }
  }

  async deblur(): Promise<void> {
    if (!this.image || !this.canDeblur) return;
    this.saved = null;
    this.result = null;
    try {
      const { jobId } = await api.deblur({ imageId: this.image.imageId, strength: this.strength / 100, modelId: this.modelId });
      this.jobId = jobId;
      const final = await jobs.settled(jobId);
      if (final.state.status === 'failed') errors.show(new ApiError(final.state.error.code, final.state.error.message));
      // The execution provider is decided when the first session loads: show what really ran.
      if (final.state.status === 'done') await app.refreshInfo();
    } catch (error) {
      errors.show(error);
    }
  }

  async cancel(): Promise<void> {
    if (!this.jobId || !this.busy) return;
    try {
      await api.cancelJob(this.jobId);
    } catch (error) {
      errors.show(error);
    }
  }

  async save(): Promise<void> {
    if (!this.jobId || !this.canSave) return;
    this.saving = true;
    try {
      this.saved = await api.save({ jobId: this.jobId });
      this.result = await api.openImage(this.saved.path);
      this.view = 'after';
    } catch (error) {
      errors.show(error);
    } finally {
      this.saving = false;
    }
  }
}

export const editor = new EditorState();
