import type { ErrorInfo } from '../../common/error-codes.js';
import { readStoredSettings } from '../../common/stored-settings.js';
import { ignoredSettingsNotice } from './ignored-settings-notice.js';
import { misspelledSettings } from './misspelled-settings.js';
import { createValidatedSettingsStore, type KeyValueBackend, type SettingsStore } from './settings-store.js';
import { settingsNotice } from './settings-notice.js';
import { parseSettingsText } from './settings-text.js';
import { checkSettingsFile, whyUnreadable } from './unreadable-settings.js';

/** What opens the file with conf or electron-store, reading its text with `deserialize`. */
export type OpenBackend = (deserialize: (text: string) => Record<string, unknown>) => KeyValueBackend;

/**
 * Opens the settings in `file`, whatever state it is in: a file that cannot be read (a folder,
 * no permission) never stops the app. It then starts with the defaults held in memory, and the
 * store keeps a notice saying why and where the file is, which the window shows once; so it does
 * for values in a readable file that cannot be used, naming each.
 */
export function openSettingsStore(file: string, open: OpenBackend): SettingsStore {
  const problem = checkSettingsFile(file);
  let backend: KeyValueBackend;
  let inMemory = false;
  try {
    backend = open(parseSettingsText);
  } catch (error) {
    backend = { store: {} };
    inMemory = true;
    if (!problem) return withNotice(backend, settingsNotice(file, { kind: 'unreadable', ...whyUnreadable(error) }, true));
  }
  return withNotice(backend, problem ? settingsNotice(file, problem, inMemory) : noticeOfUnused(file, backend));
}

/**
 * Values the file holds that cannot be used (a hand edit's "jpegQuality": 300) and keys that are
 * one of ours misspelled ("jpegquality"): said, not silently replaced.
 */
function noticeOfUnused(file: string, backend: KeyValueBackend): ErrorInfo | null {
  try {
    const stored = backend.store;
    return ignoredSettingsNotice(file, readStoredSettings(stored).ignored, misspelledSettings(stored));
  } catch {
    return null;
  }
}

function withNotice(backend: KeyValueBackend, notice: ErrorInfo | null): SettingsStore {
  // Also for whoever runs it from a terminal (the CLI, the tests, `npm start`).
  if (notice) console.warn(`[settings] ${notice.message}`);
  return createValidatedSettingsStore(backend, notice);
}
