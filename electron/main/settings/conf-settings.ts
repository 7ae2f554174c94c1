import path from 'node:path';
import Conf from 'conf';
import type { Settings } from '../../common/settings-schema.js';
import { createValidatedSettingsStore, type SettingsStore } from './settings-store.js';
import { preserveUnreadableSettings } from './unreadable-settings.js';

/**
 * Settings in `<dir>/settings.json` via conf, for plain Node (CLI, tests, the e2e harness).
 * The Electron app uses electron-store, which is conf underneath with Electron's paths.
 */
export function createConfSettingsStore(dir: string): SettingsStore {
  preserveUnreadableSettings(path.join(dir, 'settings.json'));
  // clearInvalidConfig: unparsable JSON reads as empty (→ defaults) rather than throwing.
  const conf = new Conf<Partial<Settings>>({ cwd: dir, configName: 'settings', clearInvalidConfig: true });
  return createValidatedSettingsStore(conf as unknown as { store: Record<string, unknown> });
}
