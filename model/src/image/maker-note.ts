import { TYPE_BYTES } from './tiff-ifd.js';

/**
 * Moving a camera's MakerNote. It is an opaque EXIF value, but most makers lay it out as an IFD
 * whose value offsets count from the start of the EXIF's TIFF header, so copied to another
 * offset its values would be read from the wrong bytes. Formats known to be self-contained are
 * kept as they are; those known to count from the TIFF header get their offsets shifted by
 * the distance moved; any other is left out rather than written with offsets that lie.
 */

/** Notes that carry their own TIFF header or count offsets from their own start. */
const SELF_CONTAINED_PREFIXES = ['Nikon\0\x02', 'OLYMPUS\0', 'OM SYSTEM\0', 'FUJIFILM', 'Apple iOS\0'];
/** Notes that start with a header, then an IFD whose offsets count from the TIFF header. */
const TIFF_RELATIVE_PREFIXES = ['SONY DSC \0\0\0', 'SONY CAM \0\0\0', 'Panasonic\0\0\0'];
/** Canon's note is a bare IFD, offsets counted from the TIFF header, and carries no prefix. */
const BARE_IFD_MAKES = ['Canon'];


export interface MakerNoteSource {
  note: Buffer;
  /** The camera's Make (IFD0), which names Canon's unprefixed note. */
  make: string;
  /** Where the note sat, counted from its TIFF header; undefined when unknown. */
  at: number | undefined;
  /** Byte order of the EXIF it came from, and of the file it goes to. */
  fromLittle: boolean;
  toLittle: boolean;
}

function startsWith(note: Buffer, prefix: string): boolean {
  return note.length >= prefix.length && note.toString('latin1', 0, prefix.length) === prefix;
}

/**
 * The note's bytes for a new place, as a function of that place (counted from the new TIFF
 * header), or null when the note cannot be moved truthfully and should be left out.
 */
export function makerNoteMover({ note, make, at, fromLittle, toLittle }: MakerNoteSource): ((newAt: number) => Buffer) | null {
  if (SELF_CONTAINED_PREFIXES.some((p) => startsWith(note, p))) return () => note;
  const prefix = TIFF_RELATIVE_PREFIXES.find((p) => startsWith(note, p));
  const ifdStart = prefix ? prefix.length : BARE_IFD_MAKES.some((m) => make.startsWith(m)) ? 0 : null;
  // Its internal values are in the EXIF's byte order and would need every one swapped.
  if (ifdStart === null || at === undefined || fromLittle !== toLittle) return null;
  const offsetFields = valueOffsetFields(note, ifdStart, fromLittle);
  if (!offsetFields) return null;
  // Canon ends its note with a TIFF-header-like footer naming where the note sat: readers check
  // it against the note's place, so it moves too.
  const footer = note.length >= 8 && note.toString('latin1', note.length - 8, note.length - 4) === (fromLittle ? 'II*\0' : 'MM\0*') ? note.length - 4 : null;
  const footerNamesItsPlace = footer !== null && (fromLittle ? note.readUInt32LE(footer) : note.readUInt32BE(footer)) === at;
  const fields = footerNamesItsPlace ? [...offsetFields, footer] : offsetFields;
  return (newAt) => {
    const moved = Buffer.from(note);
    for (const field of fields) {
      const old = fromLittle ? note.readUInt32LE(field) : note.readUInt32BE(field);
      const shifted = old + newAt - at;
      if (fromLittle) moved.writeUInt32LE(shifted >>> 0, field);
      else moved.writeUInt32BE(shifted >>> 0, field);
    }
    return moved;
  };
}

/** Positions (within the note) of the entries' offset fields, or null if it is not a sane IFD. */
function valueOffsetFields(note: Buffer, ifdStart: number, little: boolean): number[] | null {
  if (note.length < ifdStart + 2) return null;
  const count = little ? note.readUInt16LE(ifdStart) : note.readUInt16BE(ifdStart);
  if (count === 0 || count > 512 || ifdStart + 2 + count * 12 > note.length) return null;
  const fields: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = ifdStart + 2 + i * 12;
    const type = little ? note.readUInt16LE(row + 2) : note.readUInt16BE(row + 2);
    const size = TYPE_BYTES[type];
    // An unknown type means this is not the IFD we took it for.
    if (size === undefined) return null;
    const valueCount = little ? note.readUInt32LE(row + 4) : note.readUInt32BE(row + 4);
    if (size * valueCount > 4) fields.push(row + 8);
  }
  return fields;
}
