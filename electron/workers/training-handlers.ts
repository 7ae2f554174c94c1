import { UnshakeError } from '../../model/src/errors.js';
import type { CommandContext, Handlers } from './command-context.js';
import type { EngineRequest, EngineResponse } from './engine-protocol.js';
import { bundledTrainingResources, bundledWeightsDir, modelDirs } from './worker-paths.js';

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

/**
 * Whether a model runs as a deblur would open it: a fine-tune fails with MODEL_INVALID for other
 * reasons too (ops the trainer cannot import, its VGG19 weights), after which the model still deblurs.
 */
export async function checkModel({ userModelsDir, modelId }: EngineRequest<'checkModel'>): Promise<EngineResponse<'checkModel'>> {
  const [{ resolveModel }, { checkModelLoads }] = await Promise.all([import('../../model/src/models/library.js'), import('../../model/src/infer/session-create.js')]);
  try {
    const model = await resolveModel(modelId, modelDirs(userModelsDir));
    await checkModelLoads(model.onnxPath, model.manifest);
    return { problem: null };
  } catch (error) {
    if (error instanceof UnshakeError && error.code === 'MODEL_INVALID') return { problem: error.message };
    throw error;
  }
}

export const trainingHandlers: Handlers<'train' | 'planTrainingRun' | 'trainingRuns' | 'discardTrainingRun' | 'checkModel'> = {
  train,
  planTrainingRun,
  trainingRuns,
  discardTrainingRun,
  checkModel,
};
