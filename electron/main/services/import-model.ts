import type { IpcResponse } from '../../common/ipc-contract.js';
import { importModel } from '../../../model/src/models/import-model.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { modelDirs } from '../../workers/worker-paths.js';
import type { ServiceContext } from './context.js';
import { makeFolders } from '../../../model/src/image/make-folders.js';

/** Main's own folder dialog: the page never names the folder a model is imported from. Null: cancelled. */
export type ChooseModelFolder = () => Promise<string | null>;
/** Opens a folder in the system's file manager (shell.openPath in the app). */
export type OpenFolder = (folder: string) => Promise<void>;

const noDialog: ChooseModelFolder = () => Promise.reject(new UnshakeError('INVALID_REQUEST', 'Import model… needs the app’s folder dialog; copy the model folder into the models folder instead.'));

/** Import model…: a model folder chosen in main's dialog, checked and copied into the library. */
export function createImportModelService(context: ServiceContext, choose: ChooseModelFolder = noDialog): () => Promise<IpcResponse<'importModel'>> {
  return async () => {
    const folder = await choose();
    if (folder === null) return { imported: null };
    return { imported: await importModel(folder, modelDirs(context.paths.userModelsDir)) };
  };
}

/** Show models folder: made if it is not there yet (no model made so far), then opened. */
export function createShowModelsFolderService(context: ServiceContext, open: OpenFolder | undefined): () => Promise<IpcResponse<'showModelsFolder'>> {
  return async () => {
    const folder = context.paths.userModelsDir;
    await makeFolders(folder);
    if (!open) throw new UnshakeError('INVALID_REQUEST', `The models folder is ${folder}.`);
    await open(folder);
    return { folder };
  };
}
