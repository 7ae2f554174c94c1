import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';

/** Merges the (already validated) patch and returns the full settings now in force. */
export function createSetSettingsService(
  context: ServiceContext,
): (request: IpcParsedRequest<'setSettings'>) => Promise<IpcResponse<'setSettings'>> {
  return async (patch) => {
    const before = context.settings.get().preferredExecutionProvider;
    const settings = await context.settings.set(patch);
    // The last job's processor is not where the next deblur runs any more: the status bar says
    // it is chosen at the next deblur rather than naming hardware that may not be used again.
    if (settings.preferredExecutionProvider !== before) context.engineState.executionProvider = null;
    return settings;
  };
}
