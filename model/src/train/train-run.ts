import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { listCheckpoints, loadCheckpoint } from './checkpoint.js';
import type { TrainOptions } from './trainer.js';
import type { Scores } from './train-validation.js';
import type { DataSourceKind } from './training-data.js';

/**
 * An interrupted fine-tuning run on disk: what its checkpoint records, where runs live, which
 * can be resumed, and the settings a resume must keep (trainer.ts runs them).
 */
export type TrainMode = 'full' | 'decoder';

export interface RunState {
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
  /** Absent in checkpoints from before they were recorded: such a run takes what is passed. */
  mode?: TrainMode;
  crop?: number;
  criticWidth?: number;
  outName?: string;
}

export type RunSettings = Required<Pick<RunState, 'mode' | 'crop' | 'criticWidth'>>;

/** Where interrupted runs keep their checkpoints: a dot-folder, so the library skips it. */
export function trainingRunsDir(modelsDir: string): string {
  return path.join(modelsDir, '.training');
}

export function runDirFor(modelsDir: string, id: string): string {
  return path.join(trainingRunsDir(modelsDir), id);
}

/** The interrupted runs under modelsDir, with their base model's SHA-256 (null: damaged). */
export async function interruptedRuns(modelsDir: string): Promise<{ id: string; dir: string; baseSha256: string | null }[]> {
  const runs = await listCheckpoints<Partial<RunState>>(trainingRunsDir(modelsDir));
  return runs.map(({ id, dir, state }) => ({ id, dir, baseSha256: typeof state?.baseSha256 === 'string' ? state.baseSha256 : null }));
}

/** The saved run under runDir, if any; a damaged one is reported with where it is and what to do. */
export async function loadRun(o: TrainOptions, runDir: string) {
  try {
    return await loadCheckpoint<RunState>(runDir);
  } catch (error) {
    if (!(error instanceof UnshakeError) || error.code !== 'FILE_UNREADABLE') throw error;
    const blocked = o.resume ? `The interrupted run "${o.outId}" cannot be resumed from it.` : `It belongs to an interrupted run "${o.outId}", so no new run can start under that name.`;
    const advice = `To start "${o.outId}" over, delete the folder ${runDir}; or keep it and train under another --out name.`;
    throw new UnshakeError('FILE_UNREADABLE', `${error.message} ${blocked} ${advice}`, { cause: error });
  }
}

/**
 * Mode, crop and critic width: a resumed run keeps those it started with (its weights and crop
 * stream depend on them), and an explicit different value is refused. Older checkpoints did not
 * record them: those runs take what is passed, as before.
 */
export function runSettings(o: TrainOptions, saved: RunState | undefined): RunSettings {
  const pick = <T extends string | number>(flag: string, given: T | undefined, kept: T | undefined, fallback: T): T => {
    if (given !== undefined && kept !== undefined && given !== kept) {
      throw new UnshakeError(
        'INVALID_REQUEST',
        `The interrupted run "${o.outId}" was started with --${flag} ${kept} and cannot continue with --${flag} ${given}. ` +
          `Resume it without --${flag} (it keeps ${kept}), or start a new run under another --out name.`,
      );
    }
    return given ?? kept ?? fallback;
  };
  const settings: RunSettings = {
    mode: pick('mode', o.mode, saved?.mode, 'full'),
    crop: pick('crop', o.crop, saved?.crop, 256),
    criticWidth: pick('critic-width', o.criticWidth, saved?.criticWidth, o.defaultCriticWidth ?? 64),
  };
  const m = o.baseManifest.io.sizeMultiple;
  if (settings.crop % m !== 0) {
    const below = Math.floor(settings.crop / m) * m;
    const sizes = [below, below + m].filter((s) => s > 0).map((s) => `--crop ${s}`);
    throw new UnshakeError('INVALID_REQUEST', `Training crops for the model "${o.baseManifest.id}" must be a multiple of ${m} px; ${settings.crop} is not. Use ${sizes.join(' or ')}.`);
  }
  return settings;
}
