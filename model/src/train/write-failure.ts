import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';

/**
 * A folder the trainer must write to (the models folder, a run's checkpoint folder) that cannot
 * be written, in plain words: which folder, why, and what to do. Anything that is not a file
 * system refusal is returned as it is.
 */
export function writeFailure(error: unknown, folder: string, what: string, code = errorCode(error)): unknown {
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

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/**
 * writeFailure for a failed `mkdir(folder, { recursive: true })` and the writes after it. Node's
 * recursive mkdir reports ENOENT when a folder it had to make could not be made, whatever the
 * reason (a read-only disk is EROFS to a plain mkdir): the nearest folder above that exists says
 * why — a file, a read-only disk, no permission — before the words are chosen.
 */
export async function mkdirFailure(error: unknown, folder: string, what: string): Promise<unknown> {
  const code = errorCode(error);
  return writeFailure(error, folder, what, code === 'ENOENT' ? ((await whyNotMade(folder)) ?? code) : code);
}

/** The error code the nearest existing folder above `folder` gives a write, or null if it takes one. */
async function whyNotMade(folder: string): Promise<string | null> {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    try {
      if (!(await stat(dir)).isDirectory()) return 'ENOTDIR';
      await access(dir, constants.W_OK);
      return null;
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return code ?? null;
      if (dir === path.dirname(dir)) return null;
    }
  }
}
