import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isProcessRunning } from '../process-alive.js';
import { HOST_TAG, tempWriterOf } from './atomic-file.js';

/**
 * Temp files an older version named without its writer are taken as left over once this old:
 * writing one file never takes a day, and no run of this version makes such names.
 */
const UNNAMED_WRITER_AGE_MS = 24 * 60 * 60 * 1000;

export interface RemovedTempFiles {
  files: string[];
  bytes: number;
}

/**
 * Remove the encoder's hidden temp files (tempPathBeside's names, for any target) in `folders`
 * whose writer is gone: a process of this machine that no longer runs (killed, crashed, the
 * terminal closed). A process still running — another batch into the same folder, the app and
 * the CLI at once — keeps its files, as does a writer on another machine sharing the folder.
 * A file that cannot be removed is left; what was removed is returned, to be said.
 */
export async function removeStaleTempFiles(folders: Iterable<string>): Promise<RemovedTempFiles> {
  const removed: RemovedTempFiles = { files: [], bytes: 0 };
  for (const folder of new Set([...folders].map((f) => path.resolve(f)))) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith('.')) continue;
      const file = path.join(folder, name);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile() || !isLeftOver(name, info.mtimeMs)) continue;
      if (await rm(file).then(() => true, () => false)) {
        removed.files.push(file);
        removed.bytes += info.size;
      }
    }
  }
  return removed;
}

function isLeftOver(name: string, mtimeMs: number): boolean {
  const writer = tempWriterOf(name);
  if (writer === undefined) return false;
  if (writer === null) return Date.now() - mtimeMs > UNNAMED_WRITER_AGE_MS;
  return writer.host === HOST_TAG && !isProcessRunning(writer.pid);
}
