import type * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';
import { saveCheckpoint } from './checkpoint.js';
import { optimizerGroup, restoreOptimizer, variableGroup } from './checkpoint-tensors.js';
import type { PatchCritic } from './critic.js';
import type { TrainableGenerator } from './onnx-to-tf.js';
import type { openRun, RunState } from './train-run.js';
import type { VggFeatures } from './vgg.js';
import { mkdirFailure } from './write-failure.js';
import { makeFolders } from '../image/make-folders.js';

/** What a run trains and how: the nets and their optimizers, as checkpoints save and restore them. */
export interface TrainingNets {
  gen: TrainableGenerator;
  critic: PatchCritic | null;
  vgg: VggFeatures | null;
  genOpt: tf.Optimizer;
  criticOpt: tf.Optimizer | null;
}

/** The checkpoint an interrupted run resumes from, as train-run.ts openRun reads it. */
export type SavedRun = NonNullable<Awaited<ReturnType<typeof openRun>>['saved']>;

/**
 * A checkpoint; a folder that cannot take it (full disk, read-only, removed) stops the run with
 * WRITE_FAILED, and the one saved before stays (checkpoint.ts writes the new one beside it).
 */
/** `resume`: the options that continue the run (resume-hint.ts), for the failure's advice. */
export async function saveRunCheckpoint(run: TrainingNets, dir: string, state: RunState, kept: number | null, resume: string): Promise<string> {
  try {
    await makeFolders(dir);
    const groups = {
      generator: variableGroup(await run.gen.readWeights(), run.gen.variables),
      genOpt: await optimizerGroup(run.genOpt),
      ...(run.critic && run.criticOpt
        ? { critic: variableGroup(await run.critic.readWeights(), run.critic.variables), criticOpt: await optimizerGroup(run.criticOpt) }
        : {}),
    };
    return await saveCheckpoint(dir, state.step, state, groups);
  } catch (error) {
    const failure = await mkdirFailure(error, dir, `save the checkpoint at step ${state.step}`);
    throw withKept(failure, kept, resume);
  }
}

/** A write failure, with what the user still has to resume from. */
export function withKept(error: unknown, kept: number | null, resume: string): unknown {
  if (!(error instanceof UnshakeError) || error.code !== 'WRITE_FAILED') return error;
  const then = kept === null ? 'No checkpoint of this run was saved before, so it cannot be resumed.' : `The checkpoint at step ${kept} is kept: once that is fixed, continue with ${resume}.`;
  return new UnshakeError(error.code, `${error.message} ${then}`, { cause: error });
}

const plain = (g: Map<string, { data: Float32Array }> | undefined) => new Map([...(g ?? [])].map(([k, v]) => [k, v.data]));

/** Puts a resumed run's saved weights and optimizer state back into its freshly built nets. */
export async function restoreNets(run: TrainingNets, saved: SavedRun): Promise<void> {
  run.gen.assignWeights(plain(saved.groups.generator));
  run.critic?.assignWeights(plain(saved.groups.critic));
  await restoreOptimizer(run.genOpt, saved.groups.genOpt);
  if (run.criticOpt) await restoreOptimizer(run.criticOpt, saved.groups.criticOpt);
}
