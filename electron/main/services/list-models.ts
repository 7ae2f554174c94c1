import type { IpcResponse } from '../../common/ipc-contract.js';
import { listModels, unlistedModels } from '../../../model/src/models/library.js';
import { modelDirs } from '../../workers/worker-paths.js';
import type { ServiceContext } from './context.js';

/**
 * Bundled and imported models, listed here in main (a few small manifests and file checks), not by
 * the engine: its thread runs a deblur's tiles and answers between them, so a list asked during a
 * long deblur (a reloaded window, the window getting the focus back) waited for the deblur to end.
 * The same folders as the engine's (worker-paths.ts's modelDirs), so the two agree on what is installed.
 */
export function createListModelsService(context: ServiceContext): () => Promise<IpcResponse<'listModels'>> {
  return async () => {
    const library = modelDirs(context.paths.userModelsDir);
    const [models, unusable] = await Promise.all([listModels(library), unlistedModels(library)]);
    // A model ONNX Runtime refused this session is said as such, not offered again (model-failures.ts).
    return context.modelFailures.apply({ models, unusable });
  };
}
