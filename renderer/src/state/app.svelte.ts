import type { AppInfo, ModelInfo, Settings, SettingsPatch, UnusableModel } from '../../../electron/common/index.js';
import { api, ApiError } from '../lib/api.js';
import { errors } from './errors.svelte.js';

/** App-wide facts from main: engine and execution provider, the model library, the settings. */
class AppState {
  info = $state<AppInfo | null>(null);
  models = $state<ModelInfo[]>([]);
  /** Models in the library that cannot be used, with why: shown, so a damaged one does not just vanish. */
  unusableModels = $state<UnusableModel[]>([]);
  settings = $state<Settings | null>(null);
  /** The model list has been answered at least once ("No models installed" means that only then). */
  modelsListed = $state(false);
  /** Each model's name as last listed: one gone since is still named by it, not by its id. */
  readonly seenNames = new Map<string, string>();

  private markLoaded: () => void = () => {};
  /**
   * Settles once the first model list and settings have been answered (or failed): what a folder
   * dropped while the window is still loading waits for, instead of running with no model.
   */
  readonly loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));

  /** Each answer is shown as soon as it arrives: the engine's info can take a while to start. */
  async load(): Promise<void> {
    const library = Promise.all([this.refreshModels(), this.guard(async () => (this.settings = await api.getSettings()))]).then(() => this.markLoaded());
    await Promise.all([this.refreshInfo(), library, this.tellSettingsNotice()]);
  }

  /** A settings file that could not be used at start is said once, in the banner (main keeps no console a user sees). */
  private async tellSettingsNotice(): Promise<void> {
    await this.guard(async () => {
      const { notice } = await api.settingsNotice();
      if (notice) errors.tell(new ApiError(notice.code, notice.message));
    });
  }

  /** Changes settings in main (which validates and stores them); the stored settings come back. */
  async updateSettings(patch: SettingsPatch): Promise<void> {
    const write = this.guard(async () => {
      this.settings = await api.setSettings(patch);
      // Main forgets the last job's processor once the choice changes: the status bar follows.
      if (patch.preferredExecutionProvider !== undefined) this.info = await api.appInfo();
    });
    this.settingsWrites = this.settingsWrites.then(() => write);
    await write;
  }

  // In the order asked: a Save right after a setting changed waits for it (settingsStored).
  private settingsWrites: Promise<unknown> = Promise.resolve();

  /** Resolves once every setting asked for so far is stored: a Save then writes with what the panel shows. */
  settingsStored(): Promise<void> {
    return this.settingsWrites.then(
      () => {},
      () => {},
    );
  }

  /** The library changes outside the app (a fine-tune from the CLI, a model folder deleted). */
  async refreshModels(): Promise<void> {
    await this.guard(async () => {
      try {
        ({ models: this.models, unusable: this.unusableModels } = await api.listModels());
        for (const model of this.models) this.seenNames.set(model.id, model.name);
      } finally {
        this.modelsListed = true;
      }
    });
  }

  /**
   * Lists the models again whenever the window gets the focus back: a model trained in a terminal
   * appears, a deleted one goes, without a restart. Returns the unsubscribe.
   */
  watchModels(target: Pick<Window, 'addEventListener' | 'removeEventListener'>): () => void {
    const refresh = () => void this.refreshModels();
    target.addEventListener('focus', refresh);
    return () => target.removeEventListener('focus', refresh);
  }

  /** The execution provider is only known once a session ran, so ask again after a job. */
  async refreshInfo(): Promise<void> {
    await this.guard(async () => (this.info = await api.appInfo()));
  }

  private async guard(task: () => Promise<unknown>): Promise<void> {
    try {
      await task();
    } catch (error) {
      errors.show(error);
    }
  }
}

export const app = new AppState();
