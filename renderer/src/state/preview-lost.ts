import type { ErrorInfo, OpenImageResult } from '../../../electron/common/index.js';
import { api, ApiError } from '../lib/api.js';
import { errors } from './errors.svelte.js';

/**
 * A photo's preview or 100 % crop that main could not make: main says why (image:status), since
 * a failed <img> carries no reason. Its file moved, renamed or deleted, or changed on disk since it
 * was opened (saved over, cropped: another picture now, refused rather than shown beside the old
 * one's result). Said once per photo, naming it: the <img> alone was hidden without a word.
 */
const told = new Set<string>();

/**
 * `what`: which image failed. A crop main finds no such reason for (the imaging process busy or
 * restarted) says nothing here: the view keeps the enlarged preview and says so itself.
 */
export async function sayImageLost(image: Pick<OpenImageResult, 'imageId' | 'fileName'>, what: 'preview' | 'crop'): Promise<void> {
  if (told.has(image.imageId)) return;
  told.add(image.imageId);
  const problem = await problemOf(image);
  if (problem) errors.show(new ApiError(problem.code, problem.message));
  else if (what === 'preview') errors.show(new ApiError('INTERNAL', `${image.fileName} could not be shown: its preview could not be made. Open it again.`));
  else told.delete(image.imageId);
}

/**
 * Asked when the user acts on the photo's result again (Deblur on it): a photo that is another
 * picture on disk now is said even after its banner was dismissed, since "the result is on screen"
 * would hide it. Moved or renamed, it is still the photo the result is of: not said here. True: said.
 */
export async function sayImageChanged(image: Pick<OpenImageResult, 'imageId'>): Promise<boolean> {
  const problem = await problemOf(image);
  if (problem?.code !== 'FILE_CHANGED') return false;
  told.add(image.imageId);
  errors.show(new ApiError(problem.code, problem.message));
  return true;
}

/** Main's reason the photo cannot be shown now; null: none, or main could not be asked. */
function problemOf(image: Pick<OpenImageResult, 'imageId'>): Promise<ErrorInfo | null> {
  return api.imageStatus(image.imageId).then(({ problem }) => problem, () => null);
}
