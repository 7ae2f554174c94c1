import type { IpcResponse } from '../../common/ipc-contract.js';
import type { ServiceContext } from './context.js';

/** The settings file's trouble at start, handed to the window once (a reload does not repeat it). */
export function createSettingsNoticeService(context: ServiceContext): () => Promise<IpcResponse<'settingsNotice'>> {
  return async () => ({ notice: context.settings.takeNotice() });
}
