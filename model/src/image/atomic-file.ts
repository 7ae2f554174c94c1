import { createHash, randomBytes } from 'node:crypto';
import { chmod, link, lstat, open, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';

/**
 * A unique hidden name next to `target` (same folder, so same file system: rename is atomic
 * and a large temp file lands on the disk that must hold the result anyway), ending in `ext`
 * (by default the target's) so tools that look at names see the right type. The name carries
 * the writing process's id and a tag of this machine: a later run removes the temp files of a
 * process that is gone (killed, crashed), never those of one still writing (stale-temp-files.ts).
 */
export function tempPathBeside(target: string, tag: string, ext = extname(target), pid = process.pid): string {
  const unique = `.unshake-${tag}-${pid}-${HOST_TAG}-${randomBytes(6).toString('hex')}${ext}`;
  // File systems cap a name at 255 bytes: a target name near the cap shortens its copy in the
  // temp name (whole characters), never the unique tail.
  let name = basename(target);
  while (name && Buffer.byteLength(`.${name}${unique}`) > MAX_NAME_BYTES) name = Array.from(name).slice(0, -1).join('');
  if (!name) throw new Error(`the file name ${basename(target)} has an extension too long for a temporary file beside it`);
  return join(dirname(target), `.${name}${unique}`);
}

const MAX_NAME_BYTES = 255;
/** This machine, in 8 hex digits: a process id says nothing about a run on another computer writing into a shared folder. */
export const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
/** Our temp names; writer (pid and host) absent in those made before 2026-12-08. */
const TEMP_NAME = /^\.(.+)\.unshake-[a-z]+-(?:(\d+)-([0-9a-f]{8})-)?[0-9a-f]{12}(?:\.[^.]*)?$/;

/** Who wrote a temp file tempPathBeside named: its process and machine; `null` for a name without them (an older version's); undefined: not ours. */
export function tempWriterOf(fileName: string): { pid: number; host: string } | null | undefined {
  const match = TEMP_NAME.exec(fileName);
  if (!match) return undefined;
  return match[2] === undefined ? null : { pid: Number(match[2]), host: match[3]! };
}

/** Whether `fileName` (in target's folder) is a temp file tempPathBeside made for `target`. */
export function isTempBeside(target: string, fileName: string): boolean {
  const copied = TEMP_NAME.exec(fileName)?.[1];
  if (copied === undefined) return false;
  // A shortened copy only where the name was cut at the cap: '.a.unshake-…' is not photo 'a-x.jpg''s.
  const cut = Buffer.byteLength(fileName) > MAX_NAME_BYTES - 4;
  return copied === basename(target) || (cut && basename(target).startsWith(copied));
}

/**
 * Write a file the way write-file-atomic does, but let `write` produce it on disk (a streaming
 * encoder) instead of handing over a Buffer: `write(tempPath)` creates a temp file beside the
 * target, which is fsynced and renamed over the target. The target is either the complete new
 * file or untouched; the temp file is removed on every failure. An existing target's mode is
 * kept. Returns the final file's size in bytes.
 *
 * With `replace: false` an existing target is never replaced, even one that appears while the
 * file is written (two saves to one default name at once): the temp file is hard-linked to the
 * target, which fails with EEXIST where a rename would silently replace it. File systems without
 * hard links (FAT and exFAT memory cards) fall back to a check just before the rename.
 *
 * `signal` aborted while `write` runs (Ctrl-C during a save; an encoder cannot be stopped midway)
 * means the finished temp file is removed instead of published: the signal's reason is thrown.
 */
export async function writeAtomically(
  target: string,
  write: (tempPath: string) => Promise<void>,
  options: { replace?: boolean; signal?: AbortSignal } = {},
): Promise<number> {
  const replace = options.replace ?? true;
  options.signal?.throwIfAborted();
  const temp = tempPathBeside(target, 'encode');
  try {
    await write(temp);
    const handle = await open(temp, 'r+');
    let bytes: number;
    try {
      await handle.sync();
      bytes = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    options.signal?.throwIfAborted();
    if (!replace) {
      await publishWithoutReplacing(temp, target);
      return bytes;
    }
    const previous = await stat(target).catch(() => null);
    if (previous?.isFile()) await chmod(temp, previous.mode & 0o7777);
    await rename(temp, target);
    return bytes;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Error codes of a file system that has no hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

async function publishWithoutReplacing(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    if (await lstat(target).then(() => true, () => false)) throw Object.assign(new Error(`${target} exists`), { code: 'EEXIST' });
    await rename(temp, target);
    return;
  }
  await rm(temp, { force: true });
}
