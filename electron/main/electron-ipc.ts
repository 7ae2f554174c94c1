import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import { CHANNEL_NAMES, GRANT_PATH_EVENT, ipcContract, type IpcResult } from '../common/ipc-contract.js';
import type { IpcDispatch } from './ipc/dispatch.js';
import { isTrustedSender, type SenderCheckOptions } from './ipc/sender-check.js';

/**
 * Registers one ipcMain.handle per contract channel. Each call is sender-checked (only our
 * renderer's frame), then validated and run by the dispatcher, and always answers a Result.
 */
export function registerIpcHandlers(dispatch: IpcDispatch, grantPath: (path: string) => void, options: SenderCheckOptions): () => void {
  // Synchronous from the preload: every branch answers, or the page would wait for ever.
  const onGrant = (event: IpcMainEvent, path: unknown) => {
    event.returnValue = null;
    const frameUrl = event.senderFrame?.url;
    if (!frameUrl || !isTrustedSender(frameUrl, options)) return;
    if (typeof path === 'string' && path.length <= 4096) grantPath(path);
  };
  ipcMain.on(GRANT_PATH_EVENT, onGrant);
  for (const name of CHANNEL_NAMES) {
    const { channel } = ipcContract[name];
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown): Promise<IpcResult<unknown>> => {
      const frameUrl = event.senderFrame?.url;
      if (!frameUrl || !isTrustedSender(frameUrl, options)) {
        console.warn(`[ipc] refused ${channel} from ${frameUrl ?? 'a destroyed frame'}`);
        return Promise.resolve({ ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'This page may not talk to Unshake.' } });
      }
      return dispatch(channel, payload);
    });
  }
  return () => {
    ipcMain.removeListener(GRANT_PATH_EVENT, onGrant);
    for (const name of CHANNEL_NAMES) ipcMain.removeHandler(ipcContract[name].channel);
  };
}
