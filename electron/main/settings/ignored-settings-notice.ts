import type { ErrorInfo } from '../../common/error-codes.js';
import { BATCH_SUBFOLDER, DEFAULT_SETTINGS, MAX_MEGAPIXELS_RANGE, OUTPUT_FORMATS, OUTPUT_SUFFIX_RULE, type Settings } from '../../common/settings-schema.js';
import type { IgnoredSetting } from '../../common/stored-settings.js';
import type { MisspelledSetting } from './misspelled-settings.js';

/** Each setting as the Output panel names it, what the file may hold, and a value in the panel's words. */
const WORDS: { [K in keyof Settings]: { name: string; allowed: string; say: (value: Settings[K]) => string } } = {
  defaultModelId: { name: 'Model at start', allowed: 'a model’s id (lower-case letters, digits, ".", "_" and "-"), such as "base"', say: (id) => `"${id}"` },
  defaultStrength: { name: 'Strength at start', allowed: 'a number from 0 to 1 (0.6 is 60 %)', say: (strength) => `${Math.round(strength * 100)} %` },
  outputFormat: { name: 'Save as', allowed: OUTPUT_FORMATS.map((format) => `"${format}"`).join(', '), say: (format) => (format === 'same' ? '“Same”' : format.toUpperCase()) },
  jpegQuality: { name: 'JPEG / WebP quality', allowed: 'a whole number from 1 to 100', say: String },
  outputSuffix: { name: 'Result name ending', allowed: `text of ${OUTPUT_SUFFIX_RULE}`, say: (suffix) => `"${suffix}"` },
  maxMegapixels: { name: 'Largest photo (megapixels)', allowed: `a whole number from ${MAX_MEGAPIXELS_RANGE.min} to ${MAX_MEGAPIXELS_RANGE.max}`, say: String },
  preferredExecutionProvider: { name: 'Deblur and fine-tune on the graphics card', allowed: '"auto" (on) or "cpu" (off)', say: (choice) => (choice === 'auto' ? 'on' : 'off') },
  batchResults: { name: 'Batch results', allowed: '"beside" or "subfolder"', say: (place) => (place === 'beside' ? '“Next to the photos”' : `“In ${BATCH_SUBFOLDER}”`) },
  singleKeyShortcuts: { name: 'One-key shortcuts', allowed: 'true or false', say: (on) => (on ? 'on' : 'off') },
};

/**
 * What the window says once when settings.json holds values this version cannot use: each is
 * replaced by its default, and unsaid that looked like the app ignoring the file (a quoted
 * "false" turned one-key shortcuts back on), and so do keys that are one of its own misspelled.
 * The file is not changed: it is the user's, and a newer version may have written the value.
 */
export function ignoredSettingsNotice(file: string, ignored: readonly IgnoredSetting[], misspelled: readonly MisspelledSetting[] = []): ErrorInfo | null {
  const count = ignored.length + misspelled.length;
  if (count === 0) return null;
  const lines = [
    ...ignored.map(({ key, found, inForce }) => {
      const words = wordsFor(key);
      return `${words.name} ("${key}") is ${shown(found)} there, but must be ${words.allowed}: ${words.say(inForce)} is used.`;
    }),
    ...misspelled.map(({ found, meant }) => {
      const words = wordsFor(meant);
      return `"${found}" is not a setting Unshake knows; ${words.name} is spelled "${meant}": ${words.say(DEFAULT_SETTINGS[meant])} is used.`;
    }),
  ];
  return {
    code: 'INVALID_REQUEST',
    message: `Unshake could not use ${count === 1 ? 'one setting' : `${count} settings`} in ${file}, so it uses ${count === 1 ? 'its default' : 'their defaults'}: ${lines.join(' ')} Set ${count === 1 ? 'it' : 'them'} again in Unshake, or correct the file while Unshake is closed; until then the file is left as it is.`,
  };
}

const wordsFor = (key: keyof Settings) => WORDS[key] as { name: string; allowed: string; say: (value: unknown) => string };

/** The value as written in the file, cut short if long. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
