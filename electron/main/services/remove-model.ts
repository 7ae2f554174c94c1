import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import type { ServiceContext } from './context.js';
import { makeFolders } from '../../../model/src/image/make-folders.js';

/**
 * Moves a file or folder where the user can still get it back (the OS trash in the app); resolves
 * to where it went when that is not the system's trash, which the user would not think to look in.
 */
export type MoveToTrash = (target: string) => Promise<string | undefined>;

/**
 * Without a desktop trash (the CLI, tests, the e2e harness): the folder goes to
 * `<userData>/Trash/<name> <date>`, on the same disk as the models, so nothing is deleted.
 */
export function trashInUserData(userDataDir: string): MoveToTrash {
  return async (target) => {
    const trash = path.join(userDataDir, 'Trash');
    await makeFolders(trash);
    const kept = path.join(trash, `${path.basename(target)} ${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await rename(target, kept);
    return kept;
  };
}

/**
 * Removes a model the user made or copied in: its whole folder goes to the trash (recoverable).
 * Not while jobs run (a queued photo or a training run may use it), nor while an interrupted run
 * that starts from it, or an interrupted batch that deblurs with it, could still be resumed.
 */
export function createRemoveModelService(
  context: ServiceContext,
  moveToTrash: MoveToTrash,
): (request: IpcParsedRequest<'removeModel'>) => Promise<IpcResponse<'removeModel'>> {
  return async ({ modelId }) => {
    if (context.jobs.open().length > 0) {
      throw new UnshakeError('INVALID_REQUEST', 'Photos are being deblurred or a model is training, and may use this model: remove it once they are done.');
    }
    // Its resume runs with the model it started with: gone, the offer could only be dismissed.
    const batchOfIt = context.interruptedBatches.list().find((run) => run.modelId === modelId);
    if (batchOfIt) {
      throw new UnshakeError('INVALID_REQUEST', `The interrupted batch of ${batchOfIt.title} deblurs with this model: resume or dismiss it first (in the Batch panel).`);
    }
    const userModelsDir = context.paths.userModelsDir;
    const startsFromIt = (await context.trainingEngine.request('trainingRuns', { userModelsDir })).find((run) => run.baseModelId === modelId);
    if (startsFromIt) {
      throw new UnshakeError('INVALID_REQUEST', `The interrupted training run “${startsFromIt.name}” starts from this model: resume or discard it first.`);
    }
    const { folder } = await context.engine.request('modelFolder', { userModelsDir, modelId });
    let keptAt: string | undefined;
    try {
      keptAt = await moveToTrash(folder);
    } catch (error) {
      throw new UnshakeError('WRITE_FAILED', `Could not move ${folder} to the trash: ${(error as Error).message}`, { cause: error });
    }
    return keptAt ? { removed: true, keptAt } : { removed: true };
  };
}
