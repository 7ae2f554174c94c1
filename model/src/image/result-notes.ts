import { basename } from 'node:path';
import { gainMapNote } from './gain-map.js';
import type { WritableFormat } from './formats.js';
import type { SourceMetadata } from './types.js';

/**
 * Everything a result in `format` leaves out of its photo, in words for the user: what decode
 * noted (pages, extra channels, float clipping) and an HDR gain map the format cannot hold.
 */
export function resultNotes(source: Pick<SourceMetadata, 'path' | 'notes' | 'gainMap'>, format: WritableFormat): string[] {
  return [...(source.notes ?? []), ...formatNotes(source, format)];
}

/** What only a result in `format` leaves out: said when a deblurred photo is saved in it. */
export function formatNotes(source: { path: string; gainMap?: unknown }, format: WritableFormat): string[] {
  return source.gainMap && format !== 'jpeg' ? [gainMapNote(basename(source.path), format)] : [];
}
