import ElectronStore from 'electron-store';
import type { Settings } from '../common/settings-schema.js';
import { createValidatedSettingsStore, type SettingsStore } from './settings/settings-store.js';

/** The app's settings: electron-store in Electron's userData, validated like the conf store. */
export function createElectronSettingsStore(): SettingsStore {
  const store = new ElectronStore<Partial<Settings>>({ name: 'settings', clearInvalidConfig: true });
  return createValidatedSettingsStore(store as unknown as { store: Record<string, unknown> });
}
