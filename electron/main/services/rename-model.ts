import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { renameModel } from '../../../model/src/models/rename-model.js';
import { modelDirs } from '../../workers/worker-paths.js';
import type { ServiceContext } from './context.js';

/**
 * Rename: allowed while jobs run and interrupted batches or runs refer to the model, since they
 * all hold its id, which a rename leaves as it is.
 */
export function createRenameModelService(context: ServiceContext): (request: IpcParsedRequest<'renameModel'>) => Promise<IpcResponse<'renameModel'>> {
  return ({ modelId, name }) => renameModel(modelId, name, modelDirs(context.paths.userModelsDir));
}
