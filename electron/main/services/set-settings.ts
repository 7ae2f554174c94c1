import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';

/** Merges the (already validated) patch and returns the full settings now in force. */
export function createSetSettingsService(
  context: ServiceContext,
): (request: IpcParsedRequest<'setSettings'>) => Promise<IpcResponse<'setSettings'>> {
  return async (patch) => context.settings.set(patch);
}
