import { ApiError } from '../lib/api.js';
import { errors } from './errors.svelte.js';

/**
 * A photo's preview that main could not make again (main lets previews of photos not on screen go,
 * image-registry.ts): its file was moved, renamed or deleted since it was opened. Said once per
 * photo, naming it: the <img> alone was hidden without a word.
 */
const told = new Set<string>();

export function sayPreviewLost(imageId: string, fileName: string): void {
  if (told.has(imageId)) return;
  told.add(imageId);
  errors.show(new ApiError('FILE_NOT_FOUND', `${fileName} can no longer be shown: it was moved, renamed or deleted since it was opened. Open it again from its new place.`));
}
