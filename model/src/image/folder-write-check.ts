import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathBeside } from './atomic-file.js';
import { DISK_FULL } from './disk-full.js';

/**
 * Create and remove a hidden file in `folder`; throws the file system's own error. access(W_OK)
 * is not enough: it answers yes to root on a read-only mount's folder or on /sys, and says nothing
 * of a full or quota'd disk. The name is tempPathBeside's, so a probe left by a crash is cleaned up
 * like any of our temp files (stale-temp-files.ts).
 */
export async function probeFolder(folder: string): Promise<void> {
  const probe = tempPathBeside(join(folder, 'write-check'), 'probe', '');
  await (await open(probe, 'wx')).close();
  await rm(probe, { force: true });
}

/** Why a write was refused, and what the user can do, in words each caller fits in its sentence. */
export interface WriteRefusal {
  why: string;
  fix: string;
}

const READ_ONLY: WriteRefusal = { why: 'it is on a read-only disk', fix: 'choose a folder on a disk that can be written' };
const NOT_ALLOWED: WriteRefusal = { why: 'you are not allowed to write there', fix: 'change its permissions or choose another folder' };
const FULL: WriteRefusal = { why: DISK_FULL, fix: 'free some space or choose another disk' };
const MISSING: WriteRefusal = { why: 'a folder on its path does not exist or is a file', fix: 'create it or choose another folder' };
const IS_FOLDER: WriteRefusal = { why: 'a folder stands where a file must go', fix: 'remove it' };

/** The one errno → words table for writes that were refused. */
const REFUSALS = new Map<string, WriteRefusal>([
  ['EROFS', READ_ONLY],
  ['EACCES', NOT_ALLOWED],
  ['EPERM', NOT_ALLOWED],
  ['ENOSPC', FULL],
  ['EDQUOT', FULL],
  ['ENAMETOOLONG', { why: 'the name is too long', fix: 'choose a shorter file name or folder path' }],
  ['ENOENT', MISSING],
  ['ENOTDIR', MISSING],
  ['EISDIR', IS_FOLDER],
  ['EEXIST', IS_FOLDER],
]);

/** libvips has no errno on its errors, only strerror's text ("system error: No space left on device"). */
const LIBVIPS_ERRORS: [string, string][] = [
  ['Permission denied', 'EACCES'],
  ['Operation not permitted', 'EPERM'],
  ['Read-only file system', 'EROFS'],
  ['No space left on device', 'ENOSPC'],
  ['Disk quota exceeded', 'EDQUOT'],
  ['File name too long', 'ENAMETOOLONG'],
];

/** The errno code of a failed write: Node's own, or the one libvips's message quotes. */
export function writeErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
  if (code !== undefined) return code;
  const message = error instanceof Error ? error.message : String(error);
  return LIBVIPS_ERRORS.find(([text]) => message.includes(text))?.[1];
}

/** The words for a refused write (an error or its errno code); null for anything else. */
export function writeRefusal(errorOrCode: unknown): WriteRefusal | null {
  const code = typeof errorOrCode === 'string' ? errorOrCode : writeErrorCode(errorOrCode);
  return REFUSALS.get(code ?? '') ?? null;
}
