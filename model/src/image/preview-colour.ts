import sharp, { type Metadata, type Sharp } from 'sharp';
import { isGraySpace } from './colour.js';
import { impliedProfile } from './implied-profile.js';
import { iccpChunk, pngWithChunks } from './png-chunks.js';

/**
 * The profile a preview must read this photo through that sharp would not find: one stated
 * without ICC (implied-profile.ts), which decode uses and the result embeds. Null: sharp's own
 * reading (the embedded profile, or sRGB) is right.
 */
export async function previewProfile(path: string, meta: Metadata): Promise<InputProfile | null> {
  const icc = (await impliedProfile(path, meta))?.icc;
  if (!icc) return null;
  const gray = isGraySpace(meta.space);
  // sharp writes PNG at 8 bits unless told 16: a 16-bit photo keeps its depth until converted.
  return { icc, ...(meta.depth === 'ushort' ? { deep: gray ? 'grey16' : 'rgb16' } : {}) };
}

export interface InputProfile {
  icc: Buffer;
  deep?: 'rgb16' | 'grey16';
}

/**
 * The shaped pixels as a new pipeline whose input embeds `icc`, so sharp converts them to sRGB
 * as it does the same photo with that profile embedded (the result, shown in After): sharp
 * takes no input profile for a file that has none. An uncompressed in-memory PNG carries them,
 * at their own depth, with the iCCP chunk after IHDR (as carrier-file.ts does on disk); only
 * the preview's or crop's pixels, not the file's.
 */
export async function withInputProfile(image: Sharp, { icc, deep }: InputProfile): Promise<Sharp> {
  const png = await (deep ? image.toColourspace(deep) : image).png({ compressionLevel: 0 }).toBuffer();
  return sharp(pngWithChunks(png, [iccpChunk(icc)]), { limitInputPixels: false });
}
