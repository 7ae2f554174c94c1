import type { CommandContext, Handlers } from './command-context.js';
import type { EngineRequest, EngineResponse } from './engine-protocol.js';
import { bundledTrainingResources, bundledWeightsDir } from './worker-paths.js';

/**
 * The training process's commands. TF.js (and Dawn, where it loads) is imported when a run
 * starts, from the trainer: listing or discarding interrupted runs loads neither it nor ORT, and
 * the processes that serve deblurs and images never load this module at all (engine-handlers.ts).
 */
const fineTuning = () => import('../../model/src/train/fine-tune.js');
const interruptedRuns = () => import('../../model/src/train/interrupted-runs.js');

export async function train(request: EngineRequest<'train'>, { signal, onProgress }: CommandContext): Promise<EngineResponse<'train'>> {
  const { fineTune } = await fineTuning();
  const bundledDir = bundledWeightsDir();
  const library = { modelsDir: request.userModelsDir, ...(bundledDir ? { bundledDir } : {}) };
  return fineTune(
    request.kind === 'new'
      ? {
          ...library,
          kind: 'new',
          runId: request.runId,
          baseModelId: request.baseModelId,
          source: request.source,
          folder: request.folder,
          name: request.name,
          steps: request.steps,
          ...(request.settings ? { settings: request.settings } : {}),
        }
      : { ...library, kind: 'resume', runId: request.runId, ...(request.folder ? { folder: request.folder } : {}) },
    { signal, onProgress, ...(request.preferredProvider ? { preferredProvider: request.preferredProvider } : {}), ...bundledTrainingResources() },
  );
}

export async function planTrainingRun({ userModelsDir, baseModelId, name }: EngineRequest<'planTrainingRun'>): Promise<EngineResponse<'planTrainingRun'>> {
  const bundledDir = bundledWeightsDir();
  return { runId: await (await fineTuning()).planRunId({ modelsDir: userModelsDir, baseModelId, name, ...(bundledDir ? { bundledDir } : {}) }) };
}

export async function trainingRuns({ userModelsDir }: EngineRequest<'trainingRuns'>): Promise<EngineResponse<'trainingRuns'>> {
  return (await interruptedRuns()).listInterruptedRuns(userModelsDir);
}

export async function discardTrainingRun({ userModelsDir, runId }: EngineRequest<'discardTrainingRun'>): Promise<EngineResponse<'discardTrainingRun'>> {
  await (await interruptedRuns()).discardInterruptedRun(userModelsDir, runId);
  return { discarded: true };
}

export const trainingHandlers: Handlers<'train' | 'planTrainingRun' | 'trainingRuns' | 'discardTrainingRun'> = {
  train,
  planTrainingRun,
  trainingRuns,
  discardTrainingRun,
};
