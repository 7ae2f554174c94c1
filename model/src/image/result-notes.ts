import { basename } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../electron/common/settings-schema.js';
import { gainMapNote } from './gain-map.js';
import type { WritableFormat } from './formats.js';
import { jpegCoding } from './jpeg-quality.js';
import type { SourceMetadata } from './types.js';

/** The quality a result was asked for (encode.ts's EncodeOptions): absent, the default setting. */
export interface QualityAsked {
  quality?: number | undefined;
  exactQuality?: boolean | undefined;
}

/** What of a photo its notes need: `format` and `jpegQuality` for a raised quality (absent: not said). */
type NotedSource = { path: string; gainMap?: unknown; transparent?: boolean | undefined; format?: string; jpegQuality?: number | undefined };

/**
 * Everything a result in `format` leaves out of its photo, in words for the user: what decode
 * noted (pages, extra channels, float clipping), an HDR gain map the format cannot hold, and
 * transparency a JPEG cannot hold; and a quality raised above the setting to the photo's own.
 */
export function resultNotes(source: NotedSource & Pick<SourceMetadata, 'notes'>, format: WritableFormat, asked: QualityAsked = {}): string[] {
  return [...(source.notes ?? []), ...formatNotes(source, format, asked)];
}

/** What only a result in `format` leaves out or does unasked: said when a deblurred photo is saved in it. */
export function formatNotes(source: NotedSource, format: WritableFormat, asked: QualityAsked = {}): string[] {
  const name = basename(source.path);
  const notes = source.gainMap && format !== 'jpeg' ? [gainMapNote(name, format)] : [];
  // JPEG has no alpha: encode.ts flattens onto white.
  if (source.transparent && format === 'jpeg') notes.push(`${name} has transparency: the JPEG result is flattened onto white (choose PNG, TIFF or WebP to keep it).`);
  const raised = keptQualityNote(source, format, asked);
  if (raised) notes.push(raised);
  return notes;
}

/** A setting below a JPEG photo's own quality is raised to it (jpeg-quality.ts): said, since the file is bigger than the setting suggests. */
function keptQualityNote(source: NotedSource, format: WritableFormat, { quality = DEFAULT_SETTINGS.jpegQuality, exactQuality = false }: QualityAsked): string | null {
  if (format !== 'jpeg' || source.format === undefined) return null;
  const written = jpegCoding({ format: source.format, jpegQuality: source.jpegQuality }, quality, exactQuality).quality;
  if (written === quality) return null;
  return `${basename(source.path)} is a JPEG of quality ${written}: its result is kept at quality ${written}, the photo's own, above the setting's ${quality}.`;
}
