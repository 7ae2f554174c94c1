import path from 'node:path';

/** Photos a resume leaves out because the user cancelled them before the interruption. */
export function cancelledNote(photos: readonly string[]): string {
  const names = photos.slice(0, 3).map((photo) => path.basename(photo));
  const more = photos.length > names.length ? ` and ${photos.length - names.length} more` : '';
  return `${photos.length === 1 ? '1 photo you cancelled was' : `${photos.length} photos you cancelled were`} left out: ${names.join(', ')}${more}.`;
}

/** Photos of this drop already queued by another batch under another path (a link to its folder). */
export function linkedNote(linked: readonly { input: string; queuedAs: string }[]): string {
  const n = linked.length;
  const { input, queuedAs } = linked[0]!;
  return `${n === 1 ? '1 photo is' : `${n} photos are`} already queued in another batch, reached here through symbolic links (${input} is ${queuedAs}): ${n === 1 ? 'it is' : 'each is'} deblurred once.`;
}
