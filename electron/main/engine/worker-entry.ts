import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WorkerEntry {
  path: string;
  /** Node flags the worker needs: tsx to run the TypeScript source in dev and tests. */
  execArgv: string[];
}

/**
 * Where the engine worker lives relative to this module: next to the bundle in the built app
 * (dist/electron/main/index.js → dist/electron/workers/engine-worker.js), or the .ts source
 * when main itself runs from source under tsx/vitest.
 */
export function resolveWorkerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  const here = path.dirname(fileURLToPath(moduleUrl));
  const fromSource = moduleUrl.endsWith('.ts');
  const entry = fromSource
    ? { path: path.resolve(here, '../../workers/engine-worker.ts'), execArgv: ['--import', 'tsx'] }
    : { path: path.resolve(here, '../workers/engine-worker.js'), execArgv: [] };
  if (!existsSync(entry.path)) throw new Error(`Engine worker not found at ${entry.path}`);
  return entry;
}
