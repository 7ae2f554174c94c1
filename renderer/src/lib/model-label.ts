import type { ModelInfo } from '../../../electron/common/index.js';

/**
 * A model's name short enough for the toolbar and notices: up to its first parenthesis
 * ("Unshake base (Improved-DeblurGAN, CPU-trained)" → "Unshake base"); the full name and the
 * description belong in a tooltip. Placeholder weights are flagged unless the name says so.
 */
export function modelLabel(model: Pick<ModelInfo, 'name' | 'placeholder'>): string {
  const short = model.name.split(' (')[0] || model.name;
  return model.placeholder && !/placeholder/i.test(short) ? `${short} (placeholder)` : short;
}

/**
 * The short name of the model with `id` among `models`; one not among them by its id, said to be
 * removed once the list is known to be complete (`listed`), so a job card made with it still says which.
 */
export function modelLabelFor(id: string, models: readonly Pick<ModelInfo, 'id' | 'name' | 'placeholder'>[], listed = false): string {
  const model = models.find((candidate) => candidate.id === id);
  return model ? modelLabel(model) : listed ? `${id} (removed)` : id;
}

/**
 * The models the toolbar offers, one entry per model: the "Base model" alias stands for the
 * bundled model it runs, which is not listed again, and placeholder weights (not a deblurrer)
 * are left out once a trained model ships. The model in use is always listed, whatever it is.
 */
export function pickerModels<M extends Pick<ModelInfo, 'id' | 'placeholder' | 'aliasOf' | 'source'>>(models: readonly M[], inUseId: string): M[] {
  const aliased = new Set(models.flatMap((model) => (model.aliasOf ? [model.aliasOf] : [])));
  // Bundled only: with only the placeholder shipped it stays the base a fine-tune starts from.
  const trained = models.some((model) => model.source === 'bundled' && !model.placeholder);
  return models.filter((model) => model.id === inUseId || !(aliased.has(model.id) || (trained && model.placeholder)));
}
