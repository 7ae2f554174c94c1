import type { ModelInfo } from '../../../electron/common/index.js';

type Labelled = Pick<ModelInfo, 'id' | 'name' | 'placeholder'>;

/**
 * A model's name short enough for the toolbar and notices: up to its first parenthesis
 * ("Unshake base (Improved-DeblurGAN, CPU-trained)" → "Unshake base"); the full name and the
 * description belong in a tooltip. Placeholder weights are flagged unless the name says so.
 * Never the label of another model in `among`: a fine-tune is named after its folder, so "Night
 * (tripod)" and "Night (handheld)" are ordinary, and both cut to "Night" would be two models
 * the menu and the job cards cannot tell apart. Those keep their full names; two of one full
 * name add their ids.
 */
export function modelLabel(model: Labelled, among: readonly Labelled[] = []): string {
  return modelLabels([model, ...among.filter((other) => other.id !== model.id)]).get(model.id)!;
}

/** Each model's label (modelLabel) by id, none the same as another's. */
export function modelLabels(models: readonly Labelled[]): Map<string, string> {
  const key = (text: string) => text.trim().toLowerCase();
  const counted = (texts: string[]) => {
    const seen = new Map<string, number>();
    for (const text of texts) seen.set(key(text), (seen.get(key(text)) ?? 0) + 1);
    return (text: string) => seen.get(key(text)) ?? 0;
  };
  const flagged = (model: Labelled, text: string) => (model.placeholder && !/placeholder/i.test(text) ? `${text} (placeholder)` : text);
  const shorts = models.map((model) => model.name.split(' (')[0] || model.name);
  const shortCount = counted(shorts);
  const first = models.map((model, i) => flagged(model, shortCount(shorts[i]!) > 1 ? model.name : shorts[i]!));
  // Two of one full name: their ids tell them apart.
  const firstCount = counted(first);
  return new Map(models.map((model, i) => [model.id, firstCount(first[i]!) > 1 ? flagged(model, `${model.name} (${model.id})`) : first[i]!]));
}

/**
 * The short name of the model with `id` among `models`; one not among them by its id, said to be
 * removed once the list is known to be complete (`listed`), so a job card made with it still says which.
 */
export function modelLabelFor(id: string, models: readonly Labelled[], listed = false): string {
  const model = models.find((candidate) => candidate.id === id);
  return model ? modelLabel(model, models) : listed ? `${id} (removed)` : id;
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
