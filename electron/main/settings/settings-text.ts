import JSON5 from 'json5';

/**
 * Reads the text of settings.json as a person may have left it: JSON5 takes a UTF-8 BOM (older
 * Windows Notepad), // and /* comments and trailing commas, so a hand edit with one of them keeps
 * every setting instead of going back to the defaults. Blank means no settings yet. Anything but an
 * object ({…}) throws, like text that is not JSON at all: it holds no settings to keep.
 */
export function parseSettingsText(text: string): Record<string, unknown> {
  if (text.replace(/^\uFEFF/, '').trim() === '') return {};
  const value: unknown = JSON5.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SyntaxError('it is not a list of settings in { }');
  }
  return value as Record<string, unknown>;
}
