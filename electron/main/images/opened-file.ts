import { UnshakeError } from '../../../model/src/errors.js';
import { sourceFingerprint } from '../../../model/src/image/provenance.js';

/** An opened photo's file, as main names it to the user, and what its content was when it was opened. */
export interface OpenedFile {
  path: string;
  fileName: string;
  /** provenance.ts's fast fingerprint (size, first and last 256 KiB): another save of the photo changes it. */
  fingerprint: string;
}

/** The file's fingerprint now; a file gone or unreadable is said the way the window shows it. */
export async function fingerprintOf(file: Pick<OpenedFile, 'path' | 'fileName'>): Promise<string> {
  try {
    return await sourceFingerprint(file.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UnshakeError('FILE_NOT_FOUND', `${file.fileName} can no longer be shown: it was moved, renamed or deleted since it was opened. Open it again from its new place.`, { cause: error });
    }
    throw new UnshakeError('FILE_UNREADABLE', `${file.fileName} can no longer be read (${(error as Error).message}): open it again.`, { cause: error });
  }
}

export function changedOnDisk(file: Pick<OpenedFile, 'fileName'>, detail?: string): UnshakeError {
  return new UnshakeError('FILE_CHANGED', `${file.fileName} changed on disk since it was opened${detail ? ` (${detail})` : ''}: open it again.`);
}

/**
 * Refuses an opened photo whose file is another picture now (saved over from another program,
 * cropped): a 100 % crop or a preview made from it would be the new picture beside the old one's
 * preview and result, with nothing to tell them apart.
 */
export async function requireUnchanged(file: OpenedFile): Promise<void> {
  if ((await fingerprintOf(file)) !== file.fingerprint) throw changedOnDisk(file);
}

/**
 * `make` reads the photo's file: checked before and after, so a save over it while it was being
 * read (which may have read either picture) is refused too.
 */
export async function fromUnchanged<T>(file: OpenedFile, make: () => Promise<T>): Promise<T> {
  await requireUnchanged(file);
  const made = await make();
  await requireUnchanged(file);
  return made;
}
