import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { parseSettingsText } from './settings-text.js';

/** Why the settings file could not be used, in words for the user; see settings-notice.ts. */
export type SettingsFileProblem =
  /** Not readable at all (permissions, a folder of that name): left where it is. */
  | { kind: 'unreadable'; reason: string; fix: string }
  /** Read, but not settings: moved to `keptAs`, or left in place (null) when it could not be moved. */
  | { kind: 'not-understood'; reason: string; keptAs: string | null };

/**
 * Looks at the settings file before the store opens it. One that cannot be understood (cut short
 * by a crash or a full disk) is moved aside to `settings.corrupt-<time>.json`: the store would
 * start from the defaults and the next change would write them over the user's choices, with no
 * copy left. Returns what was wrong, or null when the file is fine or absent (first run).
 */
export function checkSettingsFile(file: string): SettingsFileProblem | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return codeOf(error) === 'ENOENT' ? null : { kind: 'unreadable', ...whyUnreadable(error) };
  }
  try {
    parseSettingsText(text);
    return null;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^JSON5: /, '').replace(/ at (\d+):(\d+)$/, ' at line $1, column $2');
    const aside = path.join(path.dirname(file), `${path.basename(file, '.json')}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    try {
      renameSync(file, aside);
      return { kind: 'not-understood', reason, keptAs: aside };
    } catch {
      // A folder the user may not write to: the file stays, and the store must not write over it.
      return { kind: 'not-understood', reason, keptAs: null };
    }
  }
}

/** A file-system error in the user's words, with what would fix it. */
export function whyUnreadable(error: unknown): { reason: string; fix: string } {
  switch (codeOf(error)) {
    case 'EACCES':
    case 'EPERM':
      return { reason: 'permission denied', fix: 'Give your user account permission to read and write that file, then restart Unshake.' };
    case 'EISDIR':
      return { reason: 'it is a folder, not a file', fix: 'Move that folder somewhere else, then restart Unshake.' };
    default:
      return { reason: error instanceof Error ? error.message : String(error), fix: 'Move that file somewhere else, then restart Unshake.' };
  }
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
