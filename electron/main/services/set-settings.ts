import type { IpcParsedRequest, IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';

/** Merges the (already validated) patch and returns the full settings now in force. */
export function createSetSettingsService(
  context: ServiceContext,
): (request: IpcParsedRequest<'setSettings'>) => Promise<IpcResponse<'setSettings'>> {
  return async (patch) => {
    const was = context.settings.get();
    const before = was.preferredExecutionProvider;
    // A model that could not be run this session is not kept for the next start (model-failures.ts).
    const { defaultModelId, ...rest } = patch;
    const keepDefault = defaultModelId === undefined || (await context.modelFailures.failed(defaultModelId));
    const settings = await context.settings.set(keepDefault ? rest : patch);
    context.modelFailures.defaultChanged(was.defaultModelId, settings.defaultModelId);
    // The last job's processor is not where the next deblur runs any more: the status bar says
    // it is chosen at the next deblur rather than naming hardware that may not be used again.
    if (settings.preferredExecutionProvider !== before) context.engineState.executionProvider = null;
    return settings;
  };
}
