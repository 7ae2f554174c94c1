import type { IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';

export function createAppInfoService(context: ServiceContext): () => Promise<IpcResponse<'appInfo'>> {
  return async () => {
    // Asked once: the answer comes from the engine process, which owns onnxruntime.
    context.engineState.runtime ??= await context.engine.request('info', {});
    return {
      name: 'Unshake',
      version: context.appVersion,
      platform: process.platform,
      engine: context.engineState.runtime,
      executionProvider: context.engineState.executionProvider,
    };
  };
}
