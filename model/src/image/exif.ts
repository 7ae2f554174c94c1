import { writeExifTree } from './tiff-ifd.js';

/**
 * EXIF block helpers. sharp reports EXIF from JPEG/WebP with the APP1 "Exif\0\0" prefix and
 * from PNG without it; everything here works on the bare TIFF structure (II*\0 / MM\0*).
 */

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1');
const ORIENTATION_TAG = 0x0112;
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

/**
 * A copy of the EXIF with the IFD0 Orientation tag rewritten in place (same size, so no
 * offsets move). Used to reset orientation to 1 after the pixels were rotated upright:
 * libvips takes the orientation it writes from this tag, and sharp's only setter for it
 * (withMetadata) would also force an sRGB profile over the original one.
 */
export function exifWithOrientation(exif: Buffer, orientation: number): Buffer {
  const copy = Buffer.from(exif);
  const little = copy.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? copy.readUInt16LE(at) : copy.readUInt16BE(at));
  const u32 = (at: number) => (little ? copy.readUInt32LE(at) : copy.readUInt32BE(at));
  const ifd0 = u32(4);
  if (ifd0 + 2 > copy.length) return copy;
  const count = u16(ifd0);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > copy.length) break;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    // One value sits left-aligned in the 4-byte value field. The standard type is SHORT, but some
    // writers store LONG or BYTE, and libvips honours those too: rewrite whichever it is.
    const type = u16(entry + 2);
    if (type === SHORT) {
      if (little) copy.writeUInt16LE(orientation, entry + 8);
      else copy.writeUInt16BE(orientation, entry + 8);
    } else if (type === LONG) {
      if (little) copy.writeUInt32LE(orientation, entry + 8);
      else copy.writeUInt32BE(orientation, entry + 8);
    } else if (type === BYTE) copy.writeUInt8(orientation, entry + 8);
  }
  return copy;
}

/**
 * A copy of the EXIF without its thumbnail: IFD0's link to IFD1 is cut (same size, so nothing
 * moves). The thumbnail shows the photo as it was stored, blurred and perhaps sideways; a result
 * saved upright and deblurred would show it in a viewer's thumbnail view, so none is better.
 */
export function exifWithoutThumbnail(exif: Buffer): Buffer {
  const copy = Buffer.from(exif);
  const little = copy.toString('latin1', 0, 2) === 'II';
  const ifd0 = little ? copy.readUInt32LE(4) : copy.readUInt32BE(4);
  if (ifd0 + 2 > copy.length) return copy;
  const next = ifd0 + 2 + (little ? copy.readUInt16LE(ifd0) : copy.readUInt16BE(ifd0)) * 12;
  if (next + 4 > copy.length) return copy;
  if (little) copy.writeUInt32LE(0, next);
  else copy.writeUInt32BE(0, next);
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
