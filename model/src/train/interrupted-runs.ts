import { stat } from 'node:fs/promises';
import { UnshakeError } from '../errors.js';
import { isModelId } from './model-export.js';
import { listCheckpoints } from './checkpoint.js';
import { inUseMessage, lockRun, runHolder, sweepStaleRuns } from './run-lock.js';
import { removeRunDir, runDirFor, trainingRunsDir, type RunState } from './train-run.js';

/** An interrupted run as the panel lists it. */
export interface InterruptedRun {
  id: string;
  name: string;
  step: number;
  steps: number | null;
  source: 'pairs' | 'sharp';
  /** null: a checkpoint from before folders were recorded, resumable only from the CLI. */
  folder: string | null;
  /** Its recorded folder is not there (moved, renamed, on a disk not plugged in): resumed from where it is now. */
  folderGone: boolean;
  baseModelId: string | null;
  /** Its checkpoint cannot be read (cut short, edited): it can only be discarded. */
  damaged: boolean;
}

/** A run another trainer (the command line, another window) is training now is refused at once. */
export function refuseIfTraining(modelsDir: string, runId: string, { exceptOwn = false } = {}): void {
  const dir = runDirFor(modelsDir, runId);
  const holder = runHolder(dir);
  if (holder !== null && !(exceptOwn && holder === process.pid)) throw new UnshakeError('INVALID_REQUEST', inUseMessage(runId, holder, dir));
}

/**
 * The interrupted runs in the user's models folder; a damaged one is listed so it can be
 * discarded. A run some trainer is training now (run-lock.ts) is not interrupted: left out.
 */
export async function listInterruptedRuns(modelsDir: string): Promise<InterruptedRun[]> {
  await sweepStaleRuns(trainingRunsDir(modelsDir));
  const runs = await listCheckpoints<Partial<RunState>>(trainingRunsDir(modelsDir));
  const listed = await Promise.all(runs.map(async ({ id, dir, state }): Promise<InterruptedRun[]> => {
    if (!isModelId(id) || runHolder(dir) !== null) return [];
    if (!state || typeof state.step !== 'number') return [{ id, name: id, step: 0, steps: null, source: 'pairs', folder: null, folderGone: false, baseModelId: null, damaged: true }];
    const folder = state.folder ?? null;
    return [{
      id,
      name: state.outName ?? id,
      step: state.step,
      steps: state.steps ?? null,
      source: state.source ?? 'pairs',
      folder,
      folderGone: folder !== null && !(await isFolder(folder)),
      baseModelId: state.baseId ?? null,
      damaged: false,
    }];
  }));
  return listed.flat();
}

export const isFolder = (p: string): Promise<boolean> => stat(p).then((s) => s.isDirectory(), () => false);

/** Deletes an interrupted run's checkpoint (its model was never exported). */
export async function discardInterruptedRun(modelsDir: string, runId: string): Promise<void> {
  refuseIfTraining(modelsDir, runId);
  if (!(await listInterruptedRuns(modelsDir)).some((r) => r.id === runId)) {
    throw new UnshakeError('INVALID_REQUEST', `There is no interrupted training run "${runId}".`);
  }
  // Held while it is removed: a trainer starting on it meanwhile is refused, not emptied.
  const lock = await lockRun(runDirFor(modelsDir, runId), runId);
  try {
    await removeRunDir(runDirFor(modelsDir, runId));
  } finally {
    lock.release();
  }
}
