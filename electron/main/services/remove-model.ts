import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import type { ServiceContext } from './context.js';

/** Moves a file or folder where the user can still get it back (the OS trash in the app). */
export type MoveToTrash = (target: string) => Promise<void>;

/**
 * Without a desktop trash (the CLI, tests, the e2e harness): the folder goes to
 * `<userData>/Trash/<name> <date>`, on the same disk as the models, so nothing is deleted.
 */
export function trashInUserData(userDataDir: string): MoveToTrash {
  return async (target) => {
    const trash = path.join(userDataDir, 'Trash');
    await mkdir(trash, { recursive: true });
    await rename(target, path.join(trash, `${path.basename(target)} ${new Date().toISOString().replace(/[:.]/g, '-')}`));
  };
}

/**
 * Removes a model the user made or copied in: its whole folder goes to the trash (recoverable).
 * A model a training run starts from is kept until the run ends.
 */
export function createRemoveModelService(
  context: ServiceContext,
  moveToTrash: MoveToTrash,
  trainingUnderWay: () => boolean,
): (request: IpcParsedRequest<'removeModel'>) => Promise<IpcResponse<'removeModel'>> {
  return async ({ modelId }) => {
    if (trainingUnderWay()) throw new UnshakeError('INVALID_REQUEST', 'A training run is under way (it may start from this model): remove models once it has ended.');
    const { folder } = await context.engine.request('modelFolder', { userModelsDir: context.paths.userModelsDir, modelId });
    try {
      await moveToTrash(folder);
    } catch (error) {
      throw new UnshakeError('WRITE_FAILED', `Could not move ${folder} to the trash: ${(error as Error).message}`, { cause: error });
    }
    return { removed: true };
  };
}
