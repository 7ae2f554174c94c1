import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import { shouldAllowNavigation, windowOpenHandler } from './security.js';
import { createMainWindowOptions } from './window-options.js';

/** The one app window, with the pure security options and navigation/popup denial wired in. */
export function createMainWindow(preloadPath: string, url: string, options: { devTools: boolean }): BrowserWindow {
  const windowOptions: BrowserWindowConstructorOptions = createMainWindowOptions(preloadPath, options);
  const window = new BrowserWindow(windowOptions);
  const { webContents } = window;
  webContents.setWindowOpenHandler(windowOpenHandler);
  webContents.on('will-navigate', (event, target) => {
    if (!shouldAllowNavigation(target, webContents.getURL())) event.preventDefault();
  });
  webContents.on('will-redirect', (event, target) => {
    if (!shouldAllowNavigation(target, webContents.getURL())) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(url);
  return window;
}
