import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UnshakeError } from '../errors.js';
import { probeFolder, writeErrorCode, writeRefusal } from '../image/folder-write-check.js';

/**
 * A folder the trainer must write to (the models folder, a run's checkpoint folder) that cannot
 * be written, in plain words: which folder, why, and what to do. Anything that is not a file
 * system refusal is returned as it is.
 */
export function writeFailure(error: unknown, folder: string, what: string, code = writeErrorCode(error)): unknown {
  const refusal = writeRefusal(code);
  if (refusal === null) return error;
  return new UnshakeError('WRITE_FAILED', `Could not ${what} in ${folder}: ${refusal.why}: ${refusal.fix}.`, { cause: error });
}

/**
 * writeFailure for a failed `mkdir(folder, { recursive: true })` and the writes after it. Node's
 * recursive mkdir reports ENOENT when a folder it had to make could not be made, whatever the
 * reason (a read-only disk is EROFS to a plain mkdir): the nearest folder above that exists says
 * why — a file, a read-only disk, no permission — before the words are chosen.
 */
export async function mkdirFailure(error: unknown, folder: string, what: string): Promise<unknown> {
  const code = writeErrorCode(error);
  return writeFailure(error, folder, what, code === 'ENOENT' ? ((await whyNotMade(folder)) ?? code) : code);
}

/**
 * The error code the nearest existing folder above `folder` gives a write, or null if it takes one.
 * Probed with a file, not access(W_OK): that says yes to root on a read-only mount or /sys.
 */
async function whyNotMade(folder: string): Promise<string | null> {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const found = await stat(dir).catch((error: unknown) => writeErrorCode(error) ?? null);
    if (typeof found !== 'string' && found !== null) {
      if (!found.isDirectory()) return 'ENOTDIR';
      return probeFolder(dir).then(() => null, (error: unknown) => writeErrorCode(error) ?? null);
    }
    if (found !== 'ENOENT' && found !== 'ENOTDIR') return found;
    if (dir === path.dirname(dir)) return null;
  }
}
