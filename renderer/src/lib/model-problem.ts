import type { ModelInfo, UnusableModel } from '../../../electron/common/index.js';
import { ApiError } from './api.js';

/** What raises the chosen model's banner (errors.show's source), so it can be withdrawn once untrue. */
export const MODEL_PROBLEM_SOURCE = 'chosen-model';

/** The model chosen to run (a pick, or the settings' default) cannot be: which, and why, in words. */
export type ModelProblem = { id: string; label: string; error: ApiError };

/**
 * Why the chosen model `id` cannot run, or null when it is listed. Nothing is put in its place:
 * a fine-tune on a disk not connected, run as the base model without a word, would give a whole
 * batch the wrong look. `knownName` is its name from an earlier list (null: never seen this session).
 */
export function chosenModelProblem(
  id: string,
  models: readonly Pick<ModelInfo, 'id'>[],
  unusable: readonly UnusableModel[],
  knownName: string | null,
): ModelProblem | null {
  if (id === '' || models.some((model) => model.id === id)) return null;
  const label = knownName ?? id;
  const why = unusable.find((model) => model.id === id);
  const what = `The model “${label}”, chosen in the Model menu,`;
  const error = why
    ? new ApiError('MODEL_INVALID', `${what} cannot be used: ${why.reason}. Choose another model in the Model menu.`)
    : new ApiError('MODEL_NOT_FOUND', `${what} is no longer installed (it is not in the models folder). Choose another model in the Model menu.`);
  return { id, label, error };
}
