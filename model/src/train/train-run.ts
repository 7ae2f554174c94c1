import { rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import type { BackendRecord } from './backend-record.js';
import { hasCheckpoint, listCheckpoints, loadCheckpoint } from './checkpoint.js';
import { assertNewModelId, isPartialExport, readExportedModel, type ExportedModel, type TrainingSummary } from './model-export.js';
import { resumeOptions } from './resume-hint.js';
import type { RunSettings } from './run-settings.js';
import type { TrainOptions } from './trainer.js';
import type { Scores } from './train-validation.js';
import type { DataSourceKind } from './training-data.js';

/**
 * An interrupted fine-tuning run on disk: what its checkpoint records, where runs live, which
 * can be resumed, and what a run finds under its id before it starts (trainer.ts runs it).
 */
export type TrainMode = 'full' | 'decoder';

/** The settings (run-settings.ts) are absent in checkpoints from before they were recorded. */
export interface RunState extends Partial<RunSettings> {
  step: number;
  rng: number;
  /** Absent in checkpoints from before sharp-only folders existed (those were pairs). */
  source?: DataSourceKind;
  seed?: number;
  baseSha256: string;
  outId: string;
  train: string[];
  validation: string[];
  baseline: { input: Scores; base: Scores };
  outName?: string;
  /** The pairs or sharp-photos folder, and the base model's id: what the app resumes with. Absent in older checkpoints. */
  folder?: string;
  baseId?: string;
  /** Where each session of the run trained, in order; absent in checkpoints from before it was recorded. */
  backends?: BackendRecord[];
}

/** Where interrupted runs keep their checkpoints: a dot-folder, so the library skips it. */
export function trainingRunsDir(modelsDir: string): string {
  return path.join(modelsDir, '.training');
}

export function runDirFor(modelsDir: string, id: string): string {
  return path.join(trainingRunsDir(modelsDir), id);
}

/** The interrupted runs under modelsDir, with their base model's SHA-256 (null: damaged) and name. */
export async function interruptedRuns(modelsDir: string): Promise<{ id: string; dir: string; baseSha256: string | null; outName: string | null }[]> {
  const runs = await listCheckpoints<Partial<RunState>>(trainingRunsDir(modelsDir));
  return runs.map(({ id, dir, state }) => ({
    id,
    dir,
    baseSha256: typeof state?.baseSha256 === 'string' ? state.baseSha256 : null,
    outName: typeof state?.outName === 'string' ? state.outName : null,
  }));
}

/** The saved run under runDir, if any; a damaged one is reported with where it is and what to do. */
async function loadRun(o: TrainOptions, runDir: string) {
  try {
    return await loadCheckpoint<RunState>(runDir);
  } catch (error) {
    if (!(error instanceof UnshakeError) || error.code !== 'FILE_UNREADABLE') throw error;
    const blocked = o.resume ? `The interrupted run "${o.outId}" cannot be resumed from it.` : `It belongs to an interrupted run "${o.outId}", so no new run can start under that name.`;
    const advice = `To start "${o.outId}" over, delete the folder ${runDir}; or keep it and train under another --out name.`;
    throw new UnshakeError('FILE_UNREADABLE', `${error.message} ${blocked} ${advice}`, { cause: error });
  }
}

type SavedRun = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

/**
 * What the run finds under its id: the checkpoint to resume, or (on --resume) the model that
 * run already exported before it was stopped, whose stale checkpoint is then removed. A
 * half-written export of the run being resumed is removed so the run can export again.
 */
export async function openRun(o: TrainOptions): Promise<{ saved: SavedRun | null; finished: { model: ExportedModel; summary: TrainingSummary } | null }> {
  const runDir = runDirFor(o.modelsDir, o.outId);
  const early = o.resume ? await loadRun(o, runDir) : null;
  if (early) {
    const finished = await readExportedModel(o.modelsDir, o.outId);
    if (finished && finished.summary.baseModel.sha256 === early.state.baseSha256) {
      await removeRunDir(runDir);
      return { saved: null, finished };
    }
    if (await isPartialExport(o.modelsDir, o.outId)) await rm(path.join(o.modelsDir, o.outId), { recursive: true, force: true });
  }
  await assertNewModelId(o.modelsDir, o.outId, o.baseOnnxPath, o.bundledDir);
  const saved = early ?? (await loadRun(o, runDir));
  if (saved && !o.resume) throw new UnshakeError('OUTPUT_EXISTS', `An interrupted run for "${o.outId}" exists; resume it with ${resumeOptions(o.outId, o.findAgain)} or choose another name.`);
  if (!saved && o.resume) throw new UnshakeError('INVALID_REQUEST', `There is no interrupted run for "${o.outId}" to resume in ${o.modelsDir}.`);
  return { saved, finished: null };
}

/**
 * The folder a resumed run trains on: the one it recorded. A different one is refused while the
 * recorded one is still there (its held-out scores and its split were measured on it); a moved
 * folder (an external disk mounted elsewhere) is taken, since its pairs must keep their names.
 */
export async function resumedFolders(o: Pick<TrainOptions, 'pairsDir' | 'sharpDir' | 'outId'>, state: RunState): Promise<{ pairsDir?: string; sharpDir?: string }> {
  const source = state.source ?? 'pairs';
  const given = o.pairsDir ?? o.sharpDir;
  const givenSource = o.pairsDir !== undefined ? 'pairs' : 'sharp';
  const flag = (s: DataSourceKind) => (s === 'sharp' ? 'sharp-only photos (--sharp)' : 'pairs (--pairs)');
  if (given !== undefined && givenSource !== source) {
    throw new UnshakeError('INVALID_REQUEST', `The interrupted run trained on ${flag(source)}; resume it with the same kind of folder.`);
  }
  const recorded = state.folder;
  const as = (folder: string) => (source === 'pairs' ? { pairsDir: folder } : { sharpDir: folder });
  if (recorded === undefined) {
    if (given === undefined) throw new UnshakeError('INVALID_REQUEST', `The interrupted run "${o.outId}" was started by an older version that did not record its folder: resume it with its --${source === 'sharp' ? 'sharp' : 'pairs'} folder.`);
    return as(given);
  }
  if (given === undefined || path.resolve(given) === recorded) return as(recorded);
  const recordedThere = await stat(recorded).then((s) => s.isDirectory(), () => false);
  if (!recordedThere) return as(given);
  throw new UnshakeError(
    'INVALID_REQUEST',
    `The interrupted run "${o.outId}" trained on ${recorded} and measured its starting scores there, so it cannot continue on ${path.resolve(given)}. ` +
      `Resume it without --${source === 'sharp' ? 'sharp' : 'pairs'} to go on with ${recorded}, or start a new run under another --out name to train on ${path.resolve(given)}.`,
  );
}

/** A run's folder, then the runs folder when no other run is in progress. */
export async function removeRunDir(runDir: string): Promise<void> {
  await rm(runDir, { recursive: true, force: true });
  await rmdir(path.dirname(runDir)).catch(() => {});
}

/** After a failure: a run folder without a checkpoint holds nothing to resume. */
export async function removeRunDirWithoutCheckpoint(runDir: string): Promise<void> {
  if (!(await hasCheckpoint(runDir))) await removeRunDir(runDir);
}
