import { DEFAULT_SETTINGS, type Settings } from '../../common/settings-schema.js';

/** A key in the settings file that this version does not know but that is one of its own, misspelled. */
export interface MisspelledSetting {
  found: string;
  meant: keyof Settings;
}

const KNOWN = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/**
 * Keys a hand edit got nearly right ("jpegquality", "jpeg_quality", "defaultStrenght"): each was
 * silently ignored, so the edit seemed to do nothing. Only near misses of a key the file does not
 * also hold are named; any other unknown key may be a newer version's and is left unsaid.
 */
export function misspelledSettings(stored: Readonly<Record<string, unknown>>): MisspelledSetting[] {
  const found: MisspelledSetting[] = [];
  for (const key of Object.keys(stored)) {
    if ((KNOWN as string[]).includes(key)) continue;
    const meant = nearestKnown(key, stored);
    if (meant && !found.some((earlier) => earlier.meant === meant)) found.push({ found: key, meant });
  }
  return found;
}

function nearestKnown(key: string, stored: Readonly<Record<string, unknown>>): keyof Settings | undefined {
  const typed = comparable(key);
  let best: { key: keyof Settings; distance: number } | undefined;
  for (const known of KNOWN) {
    if (stored[known] !== undefined) continue;
    const spelled = comparable(known);
    // A plural or an added word is how a newer version names a new setting (outputFormats, a
    // list): never taken for a slip; a letter dropped at the end ("defaultStrengt") is one. Two
    // slips at most, and never on a short word.
    if (typed.length > spelled.length && typed.startsWith(spelled)) continue;
    const distance = editDistance(typed, spelled);
    const near = distance === 0 || (distance <= 2 && typed.length >= 8);
    if (near && (!best || distance < best.distance)) best = { key: known, distance };
  }
  return best?.key;
}

/** Case, spaces, dashes and underscores do not matter to whoever edits by hand. */
const comparable = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Levenshtein distance with adjacent swaps counted as one slip ("strenght"). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const above = rows[i - 1]!;
      row[j] = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}
