import { cleanModelName, isTerminal, modelNameSchema, type InterruptedRunInfo, type JobSnapshot, type StoppedRun, type TrainingSource } from '../../../electron/common/index.js';
import { advancedSettings, type AdvancedFields, type AdvancedKey } from '../lib/advanced-settings.js';
import { api, ApiError } from '../lib/api.js';
import { chooseFolder } from '../lib/file-dialog.js';
import { looksLikeFolder } from '../lib/image-file.js';
import { folderName } from '../lib/job-text.js';
import { app } from './app.svelte.js';
import { editor } from './editor.svelte.js';
import { errors } from './errors.svelte.js';
import { jobs } from './jobs.svelte.js';

/**
 * The name a folder gives a new model, made one that the name rule takes (as Import makes a
 * manifest's): a folder may be named with a tab or a line break, or be longer than 100 characters,
 * and Start would refuse a name the user did not type and, for a line break, cannot see.
 */
const nameFromFolder = (path: string) => cleanModelName(folderName(path));

/**
 * The Fine-tune panel: the folder and kind of training data, the new model's name and length,
 * the run this window started (its job lives in main; its state comes from the jobs store) and
 * the interrupted runs that can be resumed.
 */
class TrainingState {
  source = $state<TrainingSource>('pairs');
  folder = $state<string | null>(null);
  name = $state('');
  steps = $state(300);
  advanced = $state<AdvancedFields>({ crop: null, batch: null, perceptualWeight: null, criticWidth: null, decoderOnly: false });
  runs = $state<InterruptedRunInfo[]>([]);
  /** The training job started or resumed from this window, newest. */
  jobId = $state<string | null>(null);
  starting = $state(false);
  /**
   * A field Start refused, with why: said at the field (aria-invalid, its message beside it), where
   * the focus goes, not only in the window-top banner, far from what is to be changed.
   */
  fieldProblem = $state<{ field: 'name' | 'steps' | AdvancedKey; message: string } | null>(null);
  /** Training jobs seen running: a cancelled one that never ran saved nothing to resume. */
  ran = $state<Record<string, true>>({});
  /** How stopped jobs really ended once their process had (by job id): a checkpoint kept, none, or an error. */
  stopped = $state<Record<string, StoppedRun>>({});

  // The run started here, else the newest one main reports (a window reloaded mid-run still shows it and can stop it).
  job = $derived<JobSnapshot | null>(this.jobId ? (jobs.byId[this.jobId] ?? null) : (jobs.list.find((job) => job.kind === 'training') ?? null));
  busy = $derived(this.starting || (this.job !== null && !isTerminal(this.job.state.status)));
  folderLabel = $derived(this.folder ? folderName(this.folder) : null);

  /** A folder dropped on the panel: its path, and a name for the model unless one was typed. */
  useDropped(files: readonly File[] | null): void {
    try {
      const [file] = files ?? [];
      if (!file || files!.length > 1 || !looksLikeFolder(file)) throw new ApiError('INVALID_REQUEST', 'Drop one folder: blurred/sharp pairs, or sharp photos.');
      const path = api.pathForFile(file);
      if (!path) throw new ApiError('FILE_NOT_FOUND', `“${file.name}” is not a folder on disk.`);
      this.useFolder(path);
    } catch (error) {
      errors.show(error);
    }
  }

  /** Choose folder…: the system's folder picker (the keyboard's way to what a drop does). */
  async choose(): Promise<void> {
    try {
      const folder = await chooseFolder();
      if (folder) this.useFolder(folder.path);
    } catch (error) {
      errors.show(error);
    }
  }

  private useFolder(path: string): void {
    // The name a folder gave follows the next folder; one the user typed stays.
    const givenByFolder = this.folder !== null && this.name === nameFromFolder(this.folder);
    this.folder = path;
    if (!this.name.trim() || givenByFolder) this.name = nameFromFolder(path);
    errors.clear();
  }

  async refreshRuns(): Promise<void> {
    try {
      const { interrupted, underWay, stopped } = await api.trainingRuns();
      this.runs = interrupted;
      for (const run of stopped) this.stopped[run.jobId] = run;
      // Runs under way that this window has not heard of (it was reloaded, or opened again).
      for (const jobId of underWay) if (!jobs.byId[jobId]) jobs.record(await api.jobStatus(jobId));
    } catch (error) {
      errors.show(error);
    }
  }

  async start(baseModelId: string): Promise<void> {
    if (!this.folder) return;
    this.fieldProblem = null;
    if (!this.name.trim()) {
      this.fieldProblem = { field: 'name', message: 'Give the new model a name: it is how the Model menu will list it.' };
      return;
    }
    // Main refuses by the same rule (a line break, a direction control, over 100 characters): said here, at the field.
    const named = modelNameSchema.safeParse(this.name);
    if (!named.success) {
      this.fieldProblem = { field: 'name', message: named.error.issues[0]?.message ?? 'Choose another name.' };
      return;
    }
    if (!Number.isInteger(this.steps) || this.steps < 1 || this.steps > 1_000_000) {
      this.fieldProblem = { field: 'steps', message: 'Steps must be a whole number from 1 to 1,000,000.' };
      return;
    }
    // The crop is checked against the sizes the chosen model takes (an imported one's may differ).
    const advanced = advancedSettings(this.advanced, app.models.find((m) => m.id === baseModelId));
    if ('problem' in advanced) {
      this.fieldProblem = { field: advanced.field, message: advanced.problem };
      return;
    }
    const { settings } = advanced;
    await this.launch(() =>
      api.trainStart({ baseModelId, source: this.source, folder: this.folder!, name: this.name, steps: this.steps, ...(settings ? { settings } : {}) }),
    );
  }

  /** The refused field was changed: its message no longer says what is in it. */
  edited(field: 'name' | 'steps' | AdvancedKey): void {
    if (this.fieldProblem?.field === field) this.fieldProblem = null;
  }

  async resume(runId: string): Promise<void> {
    await this.launch(() => api.trainResume(runId));
  }

  /** Locate folder…: a run whose folder was moved resumes from where the user picks it now. */
  async locateAndResume(runId: string): Promise<void> {
    try {
      const folder = await chooseFolder();
      if (folder) await this.launch(() => api.trainResume(runId, folder.path));
    } catch (error) {
      errors.show(error);
    }
  }

  async discard(runId: string): Promise<void> {
    try {
      await api.discardTrainingRun(runId);
    } catch (error) {
      errors.show(error);
    }
    await this.refreshRuns();
  }

  /** Stops the run after its current step; it is saved and listed to resume. */
  async stop(): Promise<void> {
    if (!this.job) return;
    try {
      await api.cancelJob(this.job.id);
    } catch (error) {
      errors.show(error);
    }
  }

  private async launch(request: () => Promise<{ jobId: string }>): Promise<void> {
    this.starting = true;
    try {
      this.jobId = (await request()).jobId;
      errors.clear();
    } catch (error) {
      errors.show(error);
      // A starting model ONNX Runtime refused is listed as unusable from now on: the menus say so.
      if (error instanceof ApiError && error.code === 'MODEL_INVALID') await editor.modelRefused();
      return;
    } finally {
      this.starting = false;
    }
    await this.refreshRuns();
  }

  /** When the run ends, however it ended: the new model joins the picker, a stopped run the list to resume. */
  async ended(): Promise<void> {
    // The runs first: for a stopped run main answers once its process has ended, which may have
    // saved the model after all (a stop too late), so the models are listed after that.
    await this.refreshRuns();
    await app.refreshModels();
  }
}

export const training = new TrainingState();
