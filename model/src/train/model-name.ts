import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listModels } from '../models/library.js';
import { sweepStaleRuns } from './run-lock.js';
import { runDirFor, trainingRunsDir } from './train-run.js';

/**
 * The id a fine-tuned model is saved under, from the name typed with --out. Model ids are
 * lower-case ASCII (manifest.ts), so accents are dropped ("Café" → "cafe") and other
 * characters become "-"; the typed name stays the model's display name.
 */
export function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[-._]+$/, '');
}

/** The id of a new run with no --out: `<base>-finetuned-<date>`. */
export function datedId(baseId: string, date = new Date()): string {
  return `${baseId.slice(0, 30)}-finetuned-${date.toISOString().slice(0, 10)}`;
}

/**
 * For a name with nothing left to make an id of ("日本の夏"): the dated id, or the first of
 * `-2`, `-3`, … that no model, model folder or interrupted run uses yet.
 */
export async function freeDatedId(modelsDir: string, baseId: string): Promise<string> {
  // A run killed before its first checkpoint leaves a folder with a stale lock only: not a use.
  await sweepStaleRuns(trainingRunsDir(modelsDir));
  const listed = new Set((await listModels({ userModelsDir: modelsDir })).map((m) => m.id));
  const used = async (id: string) =>
    listed.has(id) || (await stat(path.join(modelsDir, id)).then(() => true, () => false)) || (await stat(runDirFor(modelsDir, id)).then(() => true, () => false));
  const first = datedId(baseId);
  let n = 1;
  while (await used(n === 1 ? first : `${first}-${n}`)) n++;
  return n === 1 ? first : `${first}-${n}`;
}
