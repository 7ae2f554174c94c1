import { chosenModelProblem, MODEL_PROBLEM_SOURCE, type ModelProblem } from '../lib/model-problem.js';
import { app } from './app.svelte.js';
import { errors } from './errors.svelte.js';

/**
 * The model the editor, a batch and a fine-tune run: the user's pick, else the settings' default
 * (else the first listed). Never swapped for another when it goes missing: `problem` says so, and
 * Deblur, a batch and a fine-tune refuse until another is chosen.
 */
class ModelChoice {
  /** Picked this session (or brought back with a result); null: the settings' default. */
  chosen = $state<string | null>(null);

  get id(): string {
    return this.chosen ?? app.settings?.defaultModelId ?? app.models[0]?.id ?? '';
  }

  /** The chosen model is not in the list (a disk not connected, a folder deleted, damaged), with why; null once the list says it is there. */
  problem = $derived<ModelProblem | null>(app.modelsListed ? chosenModelProblem(this.id, app.models, app.unusableModels, app.seenNames.get(this.id) ?? null) : null);

  /** The model an id runs: an alias's target, else the id itself. */
  runsAs(id: string): string {
    return app.models.find((model) => model.id === id)?.aliasOf ?? id;
  }

  /** Throws the chosen model's problem, if it has one: what a Deblur, a batch or a fine-tune is refused with. */
  requireUsable(): string {
    if (this.problem) {
      // Shown under its source first, so the banner goes once the model is back (model-picker.svelte).
      errors.show(this.problem.error, MODEL_PROBLEM_SOURCE);
      throw this.problem.error;
    }
    return this.id;
  }

  /**
   * The user picks a model (the toolbar's Model menu, the Fine-tune panel's Use): it runs now and
   * is the settings' default, so the next start opens with it. A job's model brought back with
   * its result (Show, a reload) is not a pick and leaves the default alone (`chosen` is set).
   */
  choose(id: string): void {
    this.chosen = id;
    if (app.settings?.defaultModelId !== id) void app.updateSettings({ defaultModelId: id });
  }

  /**
   * A deblur, batch or fine-tune failed with MODEL_INVALID: main may list that model as unusable
   * now (model-failures.ts). It stays the one shown, with its problem, until the user picks
   * another: main has moved the stored default away from it, and reading that default again must
   * not swap the model in use without a word.
   */
  async refused(): Promise<void> {
    await app.refreshModels();
    if (this.problem && this.chosen === null) this.chosen = this.id;
  }
}

export const modelChoice = new ModelChoice();
