import path from 'node:path';
import { namedFew } from '../../common/named-few.js';

/** Photos a resume leaves out because the user cancelled them before the interruption. */
export function cancelledNote(photos: readonly string[]): string {
  return `${photos.length === 1 ? '1 photo you cancelled was' : `${photos.length} photos you cancelled were`} left out: ${namedFew(photos.map((photo) => path.basename(photo)), 3)}.`;
}

/** Photos of this drop already queued by another batch under another path (a link to its folder). */
export function linkedNote(linked: readonly { input: string; queuedAs: string }[]): string {
  const n = linked.length;
  const { input, queuedAs } = linked[0]!;
  return `${n === 1 ? '1 photo is' : `${n} photos are`} already queued in another batch, reached here through symbolic links (${input} is ${queuedAs}): ${n === 1 ? 'it is' : 'each is'} deblurred once.`;
}
