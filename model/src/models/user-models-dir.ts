import os from 'node:os';
import path from 'node:path';

/**
 * Where fine-tuned and imported models live: `<userData>/models`, the same folder the Electron
 * app uses (its userData is `<appData>/unshake`), so the CLI and the app share one library.
 */
export function defaultModelsDir(): string {
  const home = os.homedir();
  const root =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return path.join(root, 'unshake', 'models');
}
