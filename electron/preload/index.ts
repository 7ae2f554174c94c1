import { contextBridge, ipcRenderer, webFrame, webUtils, type IpcRendererEvent } from 'electron';
import { handedOverPath } from '../common/folder-path.js';
import { CHANNEL_NAMES, GRANT_PATH_EVENT, ipcContract, JOB_UPDATE_EVENT, OPEN_REQUEST_EVENT, type PreloadApi, type UnshakeApi } from '../common/ipc-contract.js';
import type { JobSnapshot } from '../common/job-state.js';

/**
 * window.unshake: one method per contract channel, generated from the contract so the two
 * cannot drift, plus job updates, the dropped file's path and the release of decoded images
 * (releaseImageMemory in ipc-contract.ts). Nothing else crosses: no
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
  onOpenRequest(listener) {
    const handler = () => listener();
    ipcRenderer.on(OPEN_REQUEST_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(OPEN_REQUEST_EVENT, handler);
    };
  },
  // The real path of a dropped or picked File (File.path no longer exists in Electron). Main is
  // told it was handed over before the page has the path to name in a request (a synchronous
  // message: nothing can overtake it): requests may name only such paths, and a page cannot make
  // a File with a path of its choosing.
  pathForFile: (file) => {
    const path = webUtils.getPathForFile(file);
    if (path) ipcRenderer.sendSync(GRANT_PATH_EVENT, handedOverPath(path, file.webkitRelativePath));
    return path;
  },
  // Blink's memory cache, and a critical memory-pressure signal inside this renderer only: the
  // decoded-image cache then drops what no <img> shows any more.
  releaseImageMemory: () => webFrame.clearCache(),
};

contextBridge.exposeInMainWorld('unshake', api);
