import type { ErrorInfo } from '../../common/error-codes.js';
import type { SettingsFileProblem } from './unreadable-settings.js';

/**
 * What the window says once when the settings file could not be used: a packaged app has no
 * console, and settings silently back at their defaults look like the app forgot them.
 * `inMemory`: nothing will be written this session (the file could not be opened or moved).
 */
export function settingsNotice(file: string, problem: SettingsFileProblem, inMemory: boolean): ErrorInfo {
  const changes = inMemory ? 'Changes you make now last only until Unshake closes.' : 'Settings you change now are saved in a new settings file.';
  if (problem.kind === 'unreadable') {
    return {
      code: 'FILE_UNREADABLE',
      message: `Unshake could not read its settings file ${file} (${problem.reason}), so it started with the default settings. ${changes} ${problem.fix}`,
    };
  }
  const kept = problem.keptAs ? `Your file was kept as ${problem.keptAs}.` : `Your file ${file} is left as it is.`;
  return {
    code: 'FILE_UNREADABLE',
    message: `Unshake could not understand its settings file (${problem.reason}), so it started with the default settings. ${kept} ${changes}`,
  };
}
