import type { IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';

export function createGetSettingsService(context: ServiceContext): () => Promise<IpcResponse<'getSettings'>> {
  return async () => context.settings.get();
}
