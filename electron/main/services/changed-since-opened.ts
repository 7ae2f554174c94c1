import { UnshakeError } from '../../../model/src/errors.js';
import { requireUnchanged } from '../images/opened-file.js';
import type { ServiceContext } from './context.js';

/**
 * A save of a result whose photo is another picture on disk now (saved over from another program):
 * the save goes ahead, since it writes next to the original, never over it, and keeps the
 * metadata the photo had; but the file beside the new picture is of the old one, so it is said.
 * Null when the photo is as opened, or can no longer be checked (no longer open, moved).
 */
export async function changedSinceOpenedNote(context: ServiceContext, imageId: string): Promise<string | null> {
  const image = context.images.get(imageId);
  if (!image) return null;
  try {
    await requireUnchanged(image);
    return null;
  } catch (error) {
    if (error instanceof UnshakeError && error.code === 'FILE_CHANGED') return `${image.fileName} has changed on disk since it was opened; this result is of the picture as it was.`;
    return null;
  }
}
