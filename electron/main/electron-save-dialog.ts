import { dialog, type BrowserWindow } from 'electron';
import type { ChooseModelFolder } from './services/import-model.js';
import type { ChooseSavePath } from './services/save-as.js';

/**
 * Save As… in Electron: the system's save dialog, attached to the window when there is one.
 * It asks before replacing an existing file itself (on Linux only when told to).
 */
export function electronSaveDialog(window: () => BrowserWindow | null): ChooseSavePath {
  return async ({ defaultPath, formats }) => {
    const options = {
      title: 'Save the deblurred photo as',
      defaultPath,
      filters: formats,
      properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'>,
    };
    const parent = window();
    const { canceled, filePath } = parent && !parent.isDestroyed() ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return canceled || !filePath ? null : filePath;
  };
}

/** Import model…: the system's folder dialog, in main, so the page never names the folder. */
export function electronModelFolderDialog(window: () => BrowserWindow | null): ChooseModelFolder {
  return async () => {
    const options = { title: 'Import a model folder (its .manifest.json and .onnx file)', properties: ['openDirectory'] as Array<'openDirectory'> };
    const parent = window();
    const { canceled, filePaths } = parent && !parent.isDestroyed() ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    return canceled ? null : (filePaths[0] ?? null);
  };
}
