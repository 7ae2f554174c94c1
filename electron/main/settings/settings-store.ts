import {
  DEFAULT_SETTINGS,
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../common/settings-schema.js';
import { UnshakeError } from '../../../model/src/errors.js';

export interface SettingsStore {
  get(): Settings;
  /** Validates the patch (INVALID_REQUEST if bad), merges, persists and returns the result. */
  set(patch: SettingsPatch): Settings;
}

/** The part of conf / electron-store (which extends conf) the settings need. */
export interface KeyValueBackend {
  store: Record<string, unknown>;
}

/**
 * Settings over any conf-like backend. Whatever is on disk is re-validated on read: a field
 * that fails the schema (hand-edited, older version, corrupt) falls back to its default
 * instead of crashing the app.
 */
export function createValidatedSettingsStore(backend: KeyValueBackend): SettingsStore {
  const read = (): Settings => {
    let stored: Record<string, unknown>;
    try {
      stored = backend.store;
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
    const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      const field = settingsSchema.shape[key].safeParse(stored[key]);
      if (field.success) settings[key] = field.data;
    }
    return settingsSchema.parse(settings);
  };

  return {
    get: read,
    set(patch) {
      const parsed = settingsPatchSchema.safeParse(patch);
      if (!parsed.success) {
        throw new UnshakeError('INVALID_REQUEST', `Invalid settings: ${parsed.error.issues[0]?.message ?? 'bad value'}`);
      }
      const next = settingsSchema.parse({ ...read(), ...parsed.data });
      try {
        backend.store = next;
      } catch (error) {
        throw new UnshakeError('WRITE_FAILED', 'Could not save the settings file.', { cause: error });
      }
      return next;
    },
  };
}
