import { UnshakeError } from '../errors.js';
import { listModels } from '../models/library.js';
import { modelNameKey } from '../models/model-name.js';
import { listInterruptedRuns } from './interrupted-runs.js';

/** A new model's name must differ from every model's and interrupted run's name, in any script (modelNameKey). */
const key = modelNameKey;

/** `runs: false` leaves interrupted runs to the caller (the command line's own id check says how to resume one). */
export async function refuseTakenName(modelsDir: string, name: string, bundledDir?: string, { runs = true }: { runs?: boolean } = {}): Promise<void> {
  const wanted = key(name);
  const models = await listModels({ userModelsDir: modelsDir, ...(bundledDir === undefined ? {} : { bundledDir }) });
  const model = models.find((m) => key(m.name) === wanted);
  if (model) {
    throw new UnshakeError('OUTPUT_EXISTS', `A model called “${model.name}” is already in your models; choose another name (--out NAME on the command line).`);
  }
  const run = runs ? (await listInterruptedRuns(modelsDir)).find((r) => key(r.name) === wanted) : undefined;
  if (run) {
    throw new UnshakeError('OUTPUT_EXISTS', `An interrupted training run “${run.name}” (${run.id}) already uses that name: resume or discard it, or choose another name.`);
  }
}
