import { basename } from 'node:path';
import { gainMapNote } from './gain-map.js';
import type { WritableFormat } from './formats.js';
import type { SourceMetadata } from './types.js';

/**
 * Everything a result in `format` leaves out of its photo, in words for the user: what decode
 * noted (pages, extra channels, float clipping) and an HDR gain map the format cannot hold.
 */
export function resultNotes(source: Pick<SourceMetadata, 'path' | 'notes' | 'gainMap'>, format: WritableFormat): string[] {
  const notes = [...(source.notes ?? [])];
  if (source.gainMap && format !== 'jpeg') notes.push(gainMapNote(basename(source.path), format));
  return notes;
}
