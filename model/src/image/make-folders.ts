import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * mkdir(folder, { recursive: true }), one level at a time: Node 20's recursive mkdir loops
 * forever at full CPU where mkdir answers ENOENT under a folder that exists (/proc, some FUSE and
 * network mounts). Here that ENOENT is thrown like any refusal. Returns the first folder made, or
 * undefined when it was there already, as the recursive form does.
 */
export async function makeFolders(folder: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (found) {
      // As mkdir says it: a file where a folder on the path should be.
      if (!found.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir });
      break;
    }
    missing.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const dir of missing) {
    // Made meanwhile by another run: fine if it is a folder.
    await mkdir(dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST' || !(await stat(dir)).isDirectory()) throw error;
    });
  }
  return missing[0];
}
