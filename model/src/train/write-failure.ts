import { UnshakeError } from '../errors.js';

/**
 * A folder the trainer must write to (the models folder, a run's checkpoint folder) that cannot
 * be written, in plain words: which folder, why, and what to do. Anything that is not a file
 * system refusal is returned as it is.
 */
export function writeFailure(error: unknown, folder: string, what: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const why = ((): string | null => {
    switch (code) {
      case 'ENOSPC':
      case 'EDQUOT':
        return 'the disk is full: free some space there';
      case 'EROFS':
        return 'it is on a read-only disk: choose a models folder on a disk that can be written';
      case 'EACCES':
      case 'EPERM':
        return 'you are not allowed to write there: change its permissions or choose another models folder';
      case 'ENOENT':
      case 'ENOTDIR':
        return 'a folder above it does not exist or is a file: create it, or choose another models folder';
      case 'EISDIR':
      case 'EEXIST':
        return 'a folder stands where a file must go: remove it';
      default:
        return null;
    }
  })();
  if (why === null) return error;
  return new UnshakeError('WRITE_FAILED', `Could not ${what} in ${folder}: ${why}.`, { cause: error });
}
