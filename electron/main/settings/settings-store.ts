import type { ErrorInfo } from '../../common/error-codes.js';
import { DEFAULT_SETTINGS, settingsPatchSchema, type Settings, type SettingsPatch } from '../../common/settings-schema.js';
import { settingsInForce } from '../../common/stored-settings.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { toldOnce } from '../told-once.js';

export interface SettingsStore {
  get(): Settings;
  /** Validates the patch (INVALID_REQUEST if bad), merges, persists and returns the result. */
  set(patch: SettingsPatch): Settings;
  /** Why the settings file could not be used at start, once (then null): the window says it. */
  takeNotice(): ErrorInfo | null;
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
export function createValidatedSettingsStore(backend: KeyValueBackend, notice: ErrorInfo | null = null): SettingsStore {
  return {
    get() {
      try {
        return settingsInForce(backend.store);
      } catch {
        return { ...DEFAULT_SETTINGS };
      }
    },
    set(patch) {
      const parsed = settingsPatchSchema.safeParse(patch);
      if (!parsed.success) {
        throw new UnshakeError('INVALID_REQUEST', `Invalid settings: ${parsed.error.issues[0]?.message ?? 'bad value'}`);
      }
      let stored: Record<string, unknown>;
      try {
        stored = backend.store;
      } catch (error) {
        // Writing now would put the defaults over whatever the file holds.
        throw new UnshakeError('WRITE_FAILED', 'Could not save the settings: the settings file could not be read, and is left as it is.', { cause: error });
      }
      // Only what changed is replaced: keys and values this version does not know (a newer
      // version's) stay in the file for when that version runs again.
      const written = { ...stored, ...parsed.data };
      try {
        backend.store = written;
      } catch (error) {
        throw new UnshakeError('WRITE_FAILED', 'Could not save the settings file.', { cause: error });
      }
      return settingsInForce(written);
    },
    takeNotice: toldOnce(notice),
  };
}
