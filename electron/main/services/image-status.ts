import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { requireUnchanged } from '../images/opened-file.js';
import type { ServiceContext } from './context.js';

/**
 * Why an opened photo cannot be shown, checked now: the window learns main's reason (changed on
 * disk, moved or deleted) instead of guessing one from a failed <img>.
 */
export function createImageStatusService(context: ServiceContext): (request: IpcParsedRequest<'imageStatus'>) => Promise<IpcResponse<'imageStatus'>> {
  return async ({ imageId }) => {
    const image = context.images.get(imageId);
    if (!image) return { problem: { code: 'IMAGE_NOT_OPEN', message: 'This photo is no longer open in Unshake: open it again.' } };
    try {
      await requireUnchanged(image);
      return { problem: null };
    } catch (error) {
      if (error instanceof UnshakeError) return { problem: error.toInfo() };
      throw error;
    }
  };
}
