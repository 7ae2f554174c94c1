import { UnshakeError } from '../errors.js';
import { listModels } from '../models/library.js';
import { modelNameKey } from '../models/model-name.js';
import { listInterruptedRuns } from './interrupted-runs.js';

/** Who already has a name: a model (by its listed name) or an interrupted run (its name and id). */
export type NameOwner = { kind: 'model'; name: string } | { kind: 'run'; name: string; id: string };

/**
 * The model or interrupted run that already has `name` (compared by modelNameKey, in any
 * script), if any. `except`: a model id left out
 * (a model being renamed keeps its own name, in another case or spacing if the user likes).
 */
export async function takenNameOwner(modelsDir: string, name: string, bundledDir?: string, { runs = true, except }: { runs?: boolean; except?: string } = {}): Promise<NameOwner | undefined> {
  const wanted = modelNameKey(name);
  const models = await listModels({ userModelsDir: modelsDir, ...(bundledDir === undefined ? {} : { bundledDir }) });
  const model = models.find((m) => m.id !== except && modelNameKey(m.name) === wanted);
  if (model) return { kind: 'model', name: model.name };
  const run = runs ? (await listInterruptedRuns(modelsDir)).find((r) => modelNameKey(r.name) === wanted) : undefined;
  return run ? { kind: 'run', name: run.name, id: run.id } : undefined;
}

/** `runs: false` leaves interrupted runs to the caller (the command line's own id check says how to resume one). */
export async function refuseTakenName(modelsDir: string, name: string, bundledDir?: string, { runs = true }: { runs?: boolean } = {}): Promise<void> {
  const owner = await takenNameOwner(modelsDir, name, bundledDir, { runs });
  if (owner?.kind === 'model') {
    throw new UnshakeError('OUTPUT_EXISTS', `A model called “${owner.name}” is already in your models; choose another name (--out NAME on the command line).`);
  }
  if (owner?.kind === 'run') {
    throw new UnshakeError('OUTPUT_EXISTS', `An interrupted training run “${owner.name}” (${owner.id}) already uses that name: resume or discard it, or choose another name.`);
  }
}
