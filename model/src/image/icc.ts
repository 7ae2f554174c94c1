import sharp from 'sharp';

/**
 * Small readers for ICC profile bytes. exifr parses ICC only inside JPEG/PNG/TIFF/HEIC files
 * (not WebP, not a bare profile buffer), and sharp exposes only the bytes, so the two header
 * fields we need are read here directly (ICC.1:2010 §7.2 header, §7.3 tag table).
 */

/** The profile's data colour space from its header, e.g. 'RGB', 'GRAY', 'CMYK'; null if invalid. */
export function iccColourSpace(icc: Buffer | null): string | null {
  if (!icc || icc.length < 132 || icc.toString('latin1', 36, 40) !== 'acsp') return null;
  return icc.toString('latin1', 16, 20).trim();
}

export interface IccTag {
  offset: number;
  size: number;
}

/** The tag table (§7.3) of a valid profile: signature → where its data lies inside the bytes. */
export function iccTags(icc: Buffer): Map<string, IccTag> {
  const tags = new Map<string, IccTag>();
  const count = icc.readUInt32BE(128);
  for (let i = 0; i < count && 132 + i * 12 + 12 <= icc.length; i++) {
    const entry = 132 + i * 12;
    const offset = icc.readUInt32BE(entry + 4);
    const size = icc.readUInt32BE(entry + 8);
    if (offset + size <= icc.length) tags.set(icc.toString('latin1', entry, entry + 4), { offset, size });
  }
  return tags;
}

/** The profile's description ('desc' tag, v2 text or v4 multi-language), or null. */
export function iccDescription(icc: Buffer | null): string | null {
  if (!iccColourSpace(icc) || !icc) return null;
  const desc = iccTags(icc).get('desc');
  return desc ? readTextTag(icc, desc.offset, desc.size) : null;
}

function readTextTag(icc: Buffer, offset: number, size: number): string | null {
  if (offset + Math.max(size, 16) > icc.length) return null;
  const type = icc.toString('latin1', offset, offset + 4);
  let text: string | null = null;
  if (type === 'desc') {
    // v2 textDescriptionType: uint32 ASCII length (incl. NUL), then the ASCII text.
    const length = icc.readUInt32BE(offset + 8);
    text = icc.toString('latin1', offset + 12, Math.min(offset + 12 + length, icc.length));
  } else if (type === 'mluc' && size >= 28) {
    // v4 multiLocalizedUnicodeType: take the first record (UTF-16BE).
    const length = icc.readUInt32BE(offset + 20) & ~1;
    const start = offset + icc.readUInt32BE(offset + 24);
    if (start + length > icc.length) return null;
    text = Buffer.from(icc.subarray(start, start + length)).swap16().toString('utf16le');
  }
  const clean = text?.replace(/\0+$/u, '').trim();
  return clean ? clean : null;
}

let srgbProfile: Promise<Buffer> | null = null;

/** sharp's built-in sRGB profile bytes (cached), for tagging images we converted to sRGB. */
export function srgbIccProfile(): Promise<Buffer> {
  srgbProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => {
      const { icc } = await sharp(png).metadata();
      if (!icc) throw new Error('sharp did not attach its built-in sRGB profile');
      return icc;
    });
  return srgbProfile;
}
