import os from 'node:os';
import path from 'node:path';

/** The app's folder under the system's application-data folder: the app's userData, set by main. */
export const APP_DATA_FOLDER = 'unshake';

/**
 * Where fine-tuned and imported models live: `<userData>/models`, the same folder the Electron
 * app uses (main sets its userData to `<appData>/unshake`), so the CLI and the app share one library.
 */
export function defaultModelsDir(): string {
  const home = os.homedir();
  // An empty or relative variable is ignored, as Electron and the XDG spec do: it would make the
  // library relative to wherever the CLI was started.
  const absolute = (value: string | undefined) => (value && path.isAbsolute(value) ? value : undefined);
  const root =
    process.platform === 'win32'
      ? (absolute(process.env.APPDATA) ?? path.join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (absolute(process.env.XDG_CONFIG_HOME) ?? path.join(home, '.config'));
  return path.join(root, APP_DATA_FOLDER, 'models');
}
