import { basename } from 'node:path';
import type { Metadata } from 'sharp';
import { isGraySpace } from './colour.js';
import { apply3, invert3, multiply3 } from './matrix3.js';
import { isConvertedOnDecode } from './decode.js';
import { bareExif } from './exif.js';
import { ADOBE_RGB_GAMMA, ADOBE_RGB_TO_XYZ, D50_XYZ, writeProfile } from './icc-writer.js';
import { readPngColourChunks, type PngColourChunks } from './png-colour-chunks.js';
import { readAtBuffer, readExifTree, tiffHeader } from './tiff-ifd.js';

/**
 * A colour description a file gives without an ICC profile, turned into one: a PNG's gAMA/cHRM
 * chunks, or the DCF way cameras mark Adobe RGB in EXIF (ColorSpace = Uncalibrated and
 * InteropIndex "R03"). Decode carries it as the source's profile, so the network runs in sRGB
 * (working-space.ts) and the result embeds it, as it would the file's own; the editor's previews
 * and 100 % crops (preview.ts) and side panel (metadata.ts) read the same, so Before matches After.
 */
export interface ImpliedProfile {
  icc: Buffer;
  /** The side panel's name for it, saying where it came from. */
  label: string;
  /** What the user is told, where the file's own tags are not written back. */
  note?: string;
}

const SRGB_CHROMATICITIES = [0.3127, 0.329, 0.64, 0.33, 0.3, 0.6, 0.15, 0.06];
const COLOR_SPACE_TAG = 0xa001;
const INTEROP_INDEX_TAG = 0x0001;
const UNCALIBRATED = 0xffff;

/**
 * The one place that decides it, for decode, previews and the side panel alike. None where the
 * file embeds a profile, or where decode converts it to sRGB (CMYK, Lab); a gray photo's (gray
 * PNG's gAMA) is a GRAY profile. None, too, where the tags cannot be read (a damaged EXIF or PNG
 * chunk): the photo then opens and deblurs as sRGB, as it would without them.
 */
export async function impliedProfile(path: string, meta: Metadata): Promise<ImpliedProfile | null> {
  return readImpliedProfile(path, meta).catch(() => null);
}

async function readImpliedProfile(path: string, meta: Metadata): Promise<ImpliedProfile | null> {
  const space = meta.space ?? 'srgb';
  if (meta.icc || isConvertedOnDecode(space)) return null;
  const gray = isGraySpace(space);
  if (meta.format === 'png') {
    const chunks = await readPngColourChunks(path);
    return chunks ? pngProfile(chunks, basename(path), gray) : null;
  }
  if (gray || !(await isDcfAdobeRgb(meta.exif ?? null))) return null;
  return { icc: writeProfile({ description: 'Adobe RGB (1998)', gamma: ADOBE_RGB_GAMMA, toXyz: ADOBE_RGB_TO_XYZ }), label: 'Adobe RGB (1998), from EXIF' };
}

/**
 * libpng's reading: an sRGB chunk wins; gAMA within 5 % of 1/2.2 with sRGB's chromaticities (or
 * none) is how encoders write sRGB, so no conversion; cHRM alone, without gAMA, is not used.
 */
function pngProfile(chunks: PngColourChunks, name: string, gray: boolean): ImpliedProfile | null {
  if (chunks.srgb || chunks.iccp || !chunks.gama) return null;
  const gamma = 100000 / chunks.gama;
  const chrm = chunks.chrm && !gray ? chunks.chrm : SRGB_CHROMATICITIES;
  const srgbPrimaries = chrm.every((v, i) => Math.abs(v - SRGB_CHROMATICITIES[i]!) < 0.01);
  if ((Math.abs(gamma / 2.2 - 1) < 0.05 && srgbPrimaries) || !Number.isFinite(gamma) || gamma < 0.2 || gamma > 5) return null;
  const toXyz = gray ? undefined : chromaticitiesToXyzD50(chrm);
  if (toXyz === null) return null;
  const withChrm = chunks.chrm !== undefined && !gray;
  const stated = `gamma ${Number(gamma.toFixed(2))}${withChrm ? ' and chromaticities' : ''}`;
  const description = `PNG ${stated} (gAMA${withChrm ? '/cHRM' : ''})`;
  return {
    icc: writeProfile({ description, gamma, ...(toXyz ? { toXyz } : {}) }),
    label: description,
    note: `${name} describes its colours with PNG tags (${stated}) rather than an ICC profile: the result keeps the same colours under an equivalent ICC profile, "${description}", in place of those tags.`,
  };
}

/** ExifIFD ColorSpace = Uncalibrated and InteropIFD InteropIndex = "R03" (DCF 2.0's Adobe RGB). */
export async function isDcfAdobeRgb(exif: Buffer | null): Promise<boolean> {
  const block = bareExif(exif);
  const header = block && tiffHeader(block);
  if (!block || !header) return false;
  const tree = await readExifTree(readAtBuffer(block), header.ifd0, header.little).catch(() => null);
  const colorSpace = tree?.exif.find((e) => e.tag === COLOR_SPACE_TAG);
  const index = tree?.interop.find((e) => e.tag === INTEROP_INDEX_TAG);
  // Values are held little-endian whatever the block's order (tiff-ifd.ts).
  return colorSpace?.value.length === 2 && colorSpace.value.readUInt16LE(0) === UNCALIBRATED && index?.value.toString('latin1', 0, 3) === 'R03';
}

/**
 * RGB → XYZ from chromaticities (white x, y, then R, G, B), adapted to D50 by Bradford as ICC
 * profiles are (ICC.1 Annex E); null when the primaries are degenerate.
 */
export function chromaticitiesToXyzD50(chrm: readonly number[]): number[] | null {
  const xyz = (x: number, y: number) => [x / y, 1, (1 - x - y) / y];
  const [wx, wy, ...rgb] = chrm as [number, number, ...number[]];
  const white = xyz(wx, wy);
  const columns = [0, 1, 2].map((i) => xyz(rgb[2 * i]!, rgb[2 * i + 1]!));
  const primaries = [0, 1, 2].flatMap((row) => columns.map((c) => c[row]!));
  const inverse = invert3(primaries);
  if (!inverse || !white.every(Number.isFinite)) return null;
  const scale = apply3(inverse, white);
  const toXyz = primaries.map((v, k) => v * scale[k % 3]!);
  const bradford = [0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296];
  const cone = apply3(bradford, white);
  const target = apply3(bradford, D50_XYZ);
  const gain = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => (r === c ? target[r]! / cone[r]! : 0)));
  const adapt = multiply3(invert3(bradford)!, multiply3(gain, bradford));
  return multiply3(adapt, toXyz);
}
