import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { CHANNEL_NAMES, ipcContract, JOB_UPDATE_EVENT, type PreloadApi, type UnshakeApi } from '../common/ipc-contract.js';
import type { JobSnapshot } from '../common/job-state.js';

/**
 * window.unshake: one method per contract channel, generated from the contract so the two
 * cannot drift, plus job updates and the dropped file's path. Nothing else crosses: no
 * ipcRenderer, no event objects. Bundled to one CJS file (sandboxed preloads cannot require).
 */
const invokers = Object.fromEntries(
  CHANNEL_NAMES.map((name) => [name, (request: unknown) => ipcRenderer.invoke(ipcContract[name].channel, request)]),
) as unknown as UnshakeApi;

const api: PreloadApi<File> = {
  ...invokers,
  onJobUpdate(listener) {
    const handler = (_event: IpcRendererEvent, job: JobSnapshot) => listener(job);
    ipcRenderer.on(JOB_UPDATE_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(JOB_UPDATE_EVENT, handler);
    };
  },
  // The real path of a dropped File (File.path no longer exists in Electron).
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('unshake', api);
