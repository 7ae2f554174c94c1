import type { IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';

/** Bundled and imported models, as the engine's model library sees them. */
export function createListModelsService(context: ServiceContext): () => Promise<IpcResponse<'listModels'>> {
  return () => context.engine.request('models', { userModelsDir: context.paths.userModelsDir });
}
