import { app, dialog, shell, type BrowserWindow } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOB_UPDATE_EVENT, OPEN_REQUEST_EVENT } from '../common/ipc-contract.js';
import { createAppRequestHandler } from './app-protocol.js';
import { registerIpcHandlers } from './electron-ipc.js';
import { hardenSession, registerSchemes } from './electron-session.js';
import { electronModelFolderDialog, electronSaveDialog } from './electron-save-dialog.js';
import { createElectronSettingsStore } from './electron-settings.js';
import { createUtilityProcessEngine } from './electron-utility-engine.js';
import { TRAINING_ENGINE_OPTIONS } from './engine/process-engine.js';
import { askBeforeClosingDuringTraining } from './electron-quit-guard.js';
import { createMainWindow } from './electron-window.js';
import { APP_ENTRY_URL } from './ipc/sender-check.js';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './security.js';
import { trashInUserData } from './services/remove-model.js';
import { startServices, type Services } from './services/start-services.js';
import { APP_DATA_FOLDER } from '../../model/src/models/user-models-dir.js';

/**
 * App lifecycle. Runs from the bundle dist/electron/main/index.js, next to
 * dist/electron/preload/index.cjs and dist/renderer/. All real work is in startServices.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
// Electron names userData after package.json's productName when a packager writes one ("Unshake",
// a second folder on Linux): fixed here, before anything uses it, to the folder the command line
// uses, so both share one models library.
app.setPath('userData', path.join(app.getPath('appData'), APP_DATA_FOLDER));
// The dev server is only honoured in an unpackaged app: a packaged one never loads http.
const devServerUrl = app.isPackaged ? undefined : process.env.UNSHAKE_DEV_SERVER_URL;
const devServerOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;

let window: BrowserWindow | null = null;

// A stray rejection (a listener, a late worker reply) must be logged, never take the app down
// with the user's unsaved work: every IPC path already answers with a Result.
process.on('unhandledRejection', (reason) => {
  console.error('[main] unhandled rejection:', reason);
});
let services: Services | null = null;
// Photos the system asks to open before the services exist (macOS's open-file as the app launches,
// a second launch in its first seconds): absolute paths, handed over once start() has them.
const openedEarly: string[] = [];

async function start(): Promise<void> {
  services = await startServices({
    userDataDir: app.getPath('userData'),
    engine: createUtilityProcessEngine(),
    trainingEngine: createUtilityProcessEngine({ ...TRAINING_ENGINE_OPTIONS, serviceName: 'Unshake training' }),
    imagingEngine: createUtilityProcessEngine({ serviceName: 'Unshake images' }),
    // The desktop's trash; where there is none (a bare Linux session), Unshake's own.
    moveToTrash: (target) => shell.trashItem(target).then(() => undefined, () => trashInUserData(app.getPath('userData'))(target)),
    chooseSavePath: electronSaveDialog(() => window),
    chooseModelFolder: electronModelFolderDialog(() => window),
    // shell.openPath answers an error's text, or '' when the folder opened.
    openFolder: async (folder) => {
      const failed = await shell.openPath(folder);
      if (failed) throw new Error(`Could not open ${folder}: ${failed}`);
    },
    settings: createElectronSettingsStore(),
    appVersion: app.getVersion(),
  });
  hardenSession({
    app: createAppRequestHandler(path.resolve(here, '../../renderer')),
    image: services.handleImageRequest,
    contentSecurityPolicy: devServerUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY,
  });
  registerIpcHandlers(services.dispatch, services.grantPath, devServerOrigin ? { devServerOrigin } : {});
  services.onJobUpdate((job) => {
    if (window && !window.isDestroyed()) window.webContents.send(JOB_UPDATE_EVENT, job);
  });
  services.onOpenRequest(() => {
    if (window && !window.isDestroyed()) window.webContents.send(OPEN_REQUEST_EVENT);
  });
  // Windows and Linux pass a photo opened with the app as an argument (the services pass over the rest).
  void services.requestOpen([...process.argv.slice(1), ...openedEarly.splice(0)]);
  window = createMainWindow(path.join(here, '../preload/index.cjs'), devServerUrl ?? APP_ENTRY_URL, {
    devTools: !app.isPackaged,
  });
  window.on('closed', () => (window = null));
  const running = services;
  askBeforeClosingDuringTraining(window, () => running.trainingUnderWay());
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerSchemes();
  app.enableSandbox();
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const paths = argv.slice(1).map((arg) => (arg.startsWith('-') ? arg : path.resolve(workingDirectory, arg)));
    if (services) void services.requestOpen(paths);
    else openedEarly.push(...paths);
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (services) void services.requestOpen([file]);
    else openedEarly.push(file);
  });
  // One window is the whole app, on macOS too: closing it ends the session and the engine.
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!services) return;
    const closing = services;
    services = null;
    event.preventDefault();
    void closing.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('[main] failed to start:', error);
      // A packaged app has no terminal: say why before going.
      const reason = error instanceof Error ? error.message : String(error);
      dialog.showErrorBox('Unshake could not start', `${reason}\n\nReinstalling Unshake usually fixes this.`);
      app.exit(1);
    });
}
