import { basename } from 'node:path';
import { gainMapNote } from './gain-map.js';
import type { WritableFormat } from './formats.js';
import type { SourceMetadata } from './types.js';

/**
 * Everything a result in `format` leaves out of its photo, in words for the user: what decode
 * noted (pages, extra channels, float clipping), an HDR gain map the format cannot hold, and
 * transparency a JPEG cannot hold.
 */
export function resultNotes(source: Pick<SourceMetadata, 'path' | 'notes' | 'gainMap' | 'transparent'>, format: WritableFormat): string[] {
  return [...(source.notes ?? []), ...formatNotes(source, format)];
}

/** What only a result in `format` leaves out: said when a deblurred photo is saved in it. */
export function formatNotes(source: { path: string; gainMap?: unknown; transparent?: boolean | undefined }, format: WritableFormat): string[] {
  const name = basename(source.path);
  const notes = source.gainMap && format !== 'jpeg' ? [gainMapNote(name, format)] : [];
  // JPEG has no alpha: encode.ts flattens onto white.
  if (source.transparent && format === 'jpeg') notes.push(`${name} has transparency: the JPEG result is flattened onto white (choose PNG, TIFF or WebP to keep it).`);
  return notes;
}
