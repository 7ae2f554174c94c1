import { DEFAULT_SETTINGS, settingsSchema, type Settings } from './settings-schema.js';

/** A stored value that could not be used: the key, what the file holds, and what is in force instead. */
export interface IgnoredSetting {
  key: keyof Settings;
  found: unknown;
  inForce: Settings[keyof Settings];
}

export interface StoredSettingsRead {
  settings: Settings;
  /** Fields present but not usable (a key left out is not listed: its default is simply in force). */
  ignored: IgnoredSetting[];
}

/**
 * The settings in force from stored ones (the settings file, a batch's record in the job journal):
 * each field the schema accepts, else its default, with the fields that were not used. A key this
 * version does not know (a newer version's) or one bad value never costs the other fields.
 */
export function readStoredSettings(stored: Readonly<Record<string, unknown>>): StoredSettingsRead {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const ignored: IgnoredSetting[] = [];
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    if (stored[key] === undefined) continue;
    const field = settingsSchema.shape[key].safeParse(asMeant(key, stored[key]));
    if (field.success) settings[key] = field.data;
    else ignored.push({ key, found: stored[key], inForce: DEFAULT_SETTINGS[key] });
  }
  return { settings: settingsSchema.parse(settings), ignored };
}

export function settingsInForce(stored: Readonly<Record<string, unknown>>): Settings {
  return readStoredSettings(stored).settings;
}

/**
 * A hand edit's obvious spellings, read as meant: "false" for false (a quoted false turned one-key
 * shortcuts back on for speech-input users), "JPEG" for jpeg, "90" for 90. Only these three; the
 * field's own rule still decides ("60" as a strength is still out of range, not read as 60 %).
 */
function asMeant(key: keyof Settings, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const expected = typeof DEFAULT_SETTINGS[key];
  if (expected === 'boolean') return /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : value;
  if (expected === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
  const options = (settingsSchema.shape[key] as { options?: readonly string[] }).options;
  return options?.find((option) => option === text.toLowerCase()) ?? value;
}
