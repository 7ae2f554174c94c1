import { UnshakeError } from '../errors.js';
import { listModels } from '../models/library.js';
import { listInterruptedRuns } from './interrupted-runs.js';

/**
 * A new model's name must differ from every model's and interrupted run's name, in any script.
 * Ids alone missed names with no letters an id can use ("日本の夏" gets a dated id, free every
 * time), so two models with one name were made; compared as typed, ignoring case and spacing.
 */
const key = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();

export async function refuseTakenName(modelsDir: string, name: string, bundledDir?: string): Promise<void> {
  const wanted = key(name);
  const models = await listModels({ userModelsDir: modelsDir, ...(bundledDir === undefined ? {} : { bundledDir }) });
  const model = models.find((m) => key(m.name) === wanted);
  if (model) {
    throw new UnshakeError('OUTPUT_EXISTS', `A model called “${model.name}” is already in your models; choose another name (--out NAME on the command line).`);
  }
  const run = (await listInterruptedRuns(modelsDir)).find((r) => key(r.name) === wanted);
  if (run) {
    throw new UnshakeError('OUTPUT_EXISTS', `An interrupted training run “${run.name}” (${run.id}) already uses that name: resume or discard it, or choose another name.`);
  }
}
