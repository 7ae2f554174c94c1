import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';

/**
 * A settings file that is not valid JSON (cut short by a crash or a full disk) is moved aside to
 * `settings.corrupt-<time>.json` before the store opens: the store would read it as empty and the
 * next change would write the defaults over the user's choices, with no copy left.
 * Returns where it was moved, or null when the file is fine or absent.
 */
export function preserveUnreadableSettings(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null; // absent (first run) or unreadable: the store reports what it cannot open
  }
  try {
    JSON.parse(text);
    return null;
  } catch {
    const aside = path.join(path.dirname(file), `${path.basename(file, '.json')}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    renameSync(file, aside);
    console.warn(`[settings] ${file} was not valid JSON: kept as ${aside}; starting from the defaults`);
    return aside;
  }
}
