import path from 'node:path';
import Conf from 'conf';
import type { Settings } from '../../common/settings-schema.js';
import { openSettingsStore } from './open-settings.js';
import type { SettingsStore } from './settings-store.js';

/**
 * Settings in `<dir>/settings.json` via conf, for plain Node (tests, the e2e harness; the CLI reads no app settings).
 * The Electron app uses electron-store, which is conf underneath with Electron's paths.
 */
export function createConfSettingsStore(dir: string): SettingsStore {
  // clearInvalidConfig off: a file that breaks while the app runs throws on read (→ defaults
  // shown, the next change refused) rather than reading as empty and being written over.
  return openSettingsStore(path.join(dir, 'settings.json'), (deserialize) => {
    const conf = new Conf<Partial<Settings>>({ cwd: dir, configName: 'settings', clearInvalidConfig: false, deserialize });
    return conf as unknown as { store: Record<string, unknown> };
  });
}
