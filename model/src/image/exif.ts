import { writeExifTree } from './tiff-ifd.js';

/**
 * EXIF block helpers. sharp reports EXIF from JPEG/WebP with the APP1 "Exif\0\0" prefix and
 * from PNG without it; everything here works on the bare TIFF structure (II*\0 / MM\0*). The
 * edits are made in place in a copy, the same size, so no offset moves and every value the
 * block holds (MakerNotes, tags no library knows) stays exactly as it was.
 */

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');
const ORIENTATION_TAG = 0x0112;
const EXIF_POINTER = 0x8769;
const X_RESOLUTION = 0x011a;
const PIXEL_X_DIMENSION = 0xa002;
const PIXEL_Y_DIMENSION = 0xa003;
const BYTE = 1;
const SHORT = 3;
const LONG = 4;

/** The bare TIFF-structured EXIF (no "Exif\0\0" prefix), or null if it is not EXIF. */
export function bareExif(exif: Buffer | null): Buffer | null {
  if (!exif) return null;
  const body = exif.subarray(0, 6).equals(EXIF_PREFIX) ? exif.subarray(6) : exif;
  const order = body.toString('latin1', 0, 2);
  return body.length >= 8 && (order === 'II' || order === 'MM') ? body : null;
}

/** Reads and writes one block in its byte order; directories by offset, rows within the block only. */
function editor(block: Buffer) {
  const little = block.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? block.readUInt16LE(at) : block.readUInt16BE(at));
  const u32 = (at: number) => (little ? block.readUInt32LE(at) : block.readUInt32BE(at));
  /** Writes a one-value entry's value left-aligned in its 4-byte field, in the entry's own type. */
  const setValue = (row: number, value: number): boolean => {
    const type = u16(row + 2);
    if (type === SHORT && value <= 0xffff) {
      if (little) block.writeUInt16LE(value, row + 8);
      else block.writeUInt16BE(value, row + 8);
    } else if (type === LONG) {
      if (little) block.writeUInt32LE(value, row + 8);
      else block.writeUInt32BE(value, row + 8);
    } else if (type === BYTE && value <= 0xff) {
      block.writeUInt8(value, row + 8);
    } else {
      return false;
    }
    return true;
  };
  /** The rows (offsets of 12-byte entries) of the directory at `offset` that lie in the block. */
  const rows = (offset: number): number[] => {
    if (offset < 8 || offset + 2 > block.length) return [];
    return Array.from({ length: u16(offset) }, (_, i) => offset + 2 + i * 12).filter((row) => row + 12 <= block.length);
  };
  const ifd0 = block.length >= 8 ? u32(4) : 0;
  return { u16, u32, little, setValue, rows, ifd0 };
}

/**
 * A copy of the EXIF with the IFD0 Orientation tag rewritten in place. Used to reset orientation
 * to 1 after the pixels were rotated upright: libvips takes the orientation it writes from this
 * tag, and sharp's only setter for it (withMetadata) would also force an sRGB profile over the
 * original one. The standard type is SHORT, but some writers store LONG or BYTE, and libvips
 * honours those too: whichever it is is rewritten.
 */
export function exifWithOrientation(exif: Buffer, orientation: number): Buffer {
  const copy = Buffer.from(exif);
  const e = editor(copy);
  for (const row of e.rows(e.ifd0)) if (e.u16(row) === ORIENTATION_TAG) e.setValue(row, orientation);
  return copy;
}

/**
 * A copy of the EXIF without its thumbnail: IFD0's link to IFD1 is cut. The thumbnail shows the
 * photo as it was stored, blurred and perhaps sideways; a result saved upright and deblurred would
 * show it in a viewer's thumbnail view, so none is better.
 */
export function exifWithoutThumbnail(exif: Buffer): Buffer {
  const copy = Buffer.from(exif);
  const e = editor(copy);
  if (e.ifd0 < 8 || e.ifd0 + 2 > copy.length) return copy;
  const next = e.ifd0 + 2 + e.u16(e.ifd0) * 12;
  if (next + 4 > copy.length) return copy;
  if (e.little) copy.writeUInt32LE(0, next);
  else copy.writeUInt32BE(0, next);
  return copy;
}

/**
 * A copy of the EXIF whose PixelX/YDimension (the size of the image it goes with) say `width` ×
 * `height`: a portrait stored sideways is written upright. A SHORT too small for the size is left.
 */
export function exifWithPixelSize(exif: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(exif);
  const e = editor(copy);
  const pointer = e.rows(e.ifd0).find((row) => e.u16(row) === EXIF_POINTER);
  if (pointer === undefined) return copy;
  for (const row of e.rows(e.u32(pointer + 8))) {
    if (e.u16(row) === PIXEL_X_DIMENSION) e.setValue(row, width);
    if (e.u16(row) === PIXEL_Y_DIMENSION) e.setValue(row, height);
  }
  return copy;
}

/** An EXIF block holding only a print resolution (pixels per inch), in IFD0's three tags. */
export function resolutionExif(pixelsPerInch: number): Buffer {
  const rational = Buffer.alloc(8);
  rational.writeUInt32LE(Math.round(pixelsPerInch * 100), 0);
  rational.writeUInt32LE(100, 4);
  const inch = Buffer.from([2, 0]);
  const ifd0 = [
    { tag: 0x011a, type: 5, count: 1, value: rational },
    { tag: 0x011b, type: 5, count: 1, value: rational },
    { tag: 0x0128, type: SHORT, count: 1, value: inch },
  ];
  return Buffer.concat([Buffer.from('II*\0\x08\0\0\0', 'latin1'), writeExifTree({ ifd0, exif: [], gps: [], interop: [] }, true, 8)]);
}

/** Whether the block states a print resolution (IFD0's XResolution). */
export function exifHasResolution(exif: Buffer): boolean {
  const e = editor(exif);
  return e.rows(e.ifd0).some((row) => e.u16(row) === X_RESOLUTION);
}
