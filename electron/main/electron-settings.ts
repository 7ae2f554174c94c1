import path from 'node:path';
import { app } from 'electron';
import ElectronStore from 'electron-store';
import type { Settings } from '../common/settings-schema.js';
import { openSettingsStore } from './settings/open-settings.js';
import type { SettingsStore } from './settings/settings-store.js';

/** The app's settings: electron-store in Electron's userData, opened and validated like the conf store. */
export function createElectronSettingsStore(): SettingsStore {
  // electron-store's default folder: userData, file settings.json. clearInvalidConfig off: see conf-settings.ts.
  return openSettingsStore(path.join(app.getPath('userData'), 'settings.json'), (deserialize) => {
    const store = new ElectronStore<Partial<Settings>>({ name: 'settings', clearInvalidConfig: false, deserialize });
    return store as unknown as { store: Record<string, unknown> };
  });
}
