import path from 'node:path';
import { app } from 'electron';
import ElectronStore from 'electron-store';
import type { Settings } from '../common/settings-schema.js';
import { createValidatedSettingsStore, type SettingsStore } from './settings/settings-store.js';
import { preserveUnreadableSettings } from './settings/unreadable-settings.js';

/** The app's settings: electron-store in Electron's userData, validated like the conf store. */
export function createElectronSettingsStore(): SettingsStore {
  // electron-store's default folder: userData, file settings.json.
  preserveUnreadableSettings(path.join(app.getPath('userData'), 'settings.json'));
  const store = new ElectronStore<Partial<Settings>>({ name: 'settings', clearInvalidConfig: true });
  return createValidatedSettingsStore(store as unknown as { store: Record<string, unknown> });
}
