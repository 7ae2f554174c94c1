/**
 * The main window's options, shaped like Electron's BrowserWindowConstructorOptions (checked
 * there by electron-window.ts) but built without importing electron so a unit test can pin
 * every security flag.
 */
export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: boolean;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: false;
    experimentalFeatures: false;
    navigateOnDragDrop: false;
    safeDialogs: true;
    devTools: boolean;
  };
}

export function createMainWindowOptions(preloadPath: string, options: { devTools?: boolean } = {}): MainWindowOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Unshake',
    // Shown on ready-to-show, so there is no white flash before the dark UI paints.
    show: false,
    backgroundColor: '#15171a',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      experimentalFeatures: false,
      // A photo dropped outside the drop zone must not replace the app with the image.
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: options.devTools ?? false,
    },
  };
}
