import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp, { type Metadata, type OutputInfo, type Sharp, type SharpOptions } from 'sharp';
import { UnshakeError } from '../errors.js';
import { statedDensity } from './density.js';
import { channelLayout, droppedChannelsNote, isTransparent, keepBands, type ChannelLayout } from './extra-channels.js';
import { readGainMap } from './gain-map.js';
import { iptcDatasets } from './iptc.js';
import { isGraySpace } from './colour.js';
import { impliedProfile } from './implied-profile.js';
import { headPhotoshop, headXmp, readJpegHead } from './jpeg-head.js';
import { withEndMarkerRepair } from './jpeg-end-marker.js';
import { headQuality } from './jpeg-quality.js';
import { sourceFingerprint } from './provenance.js';
import { decodeError, probeImage, STRICT_INPUT, type ProbeOptions } from './probe.js';
import type { BitDepth, DecodedImage, RasterImage } from './types.js';

/**
 * Decode a photo once, full resolution: pixels rotated upright by EXIF orientation, in the
 * file's own bit depth and channel layout, with the metadata needed to write it back.
 *
 * RGB and gray files keep their own values; the embedded ICC profile is carried in
 * `source.icc`, not applied (see colour.ts for why). CMYK (and Lab and other non-RGB spaces)
 * cannot go through an RGB network, so those are converted to sRGB here through their
 * embedded profile (sharp's built-in CMYK profile when there is none) and written back as
 * sRGB-tagged RGB, with a note saying so; converting back to CMYK on save would need the
 * printer's intent, which we do not know. A profile stated without ICC (a PNG's gAMA/cHRM,
 * EXIF's DCF Adobe RGB) is written as one (implied-profile.ts) and carried the same way.
 */
export type DecodeOptions = ProbeOptions;

/** Colour spaces whose values we keep as stored; everything else is converted to sRGB. */
const KEPT_SPACES: ReadonlySet<string> = new Set(['srgb', 'rgb', 'b-w', 'rgb16', 'grey16']);

/** True when decode converts the source's colours to sRGB (so its own ICC no longer applies). */
export function isConvertedOnDecode(space: string): boolean {
  return !KEPT_SPACES.has(space);
}

interface DecodePlan {
  converted: boolean;
  /** Bands of the file to keep (extra-channels.ts); null: all. */
  keep: number[] | null;
  gray: boolean;
  hasAlpha: boolean;
  bitDepth: BitDepth;
  channels: RasterImage['channels'];
}

export async function decodeImage(path: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const { path: absolute, meta, fileSizeBytes } = await probeImage(path, options);
  const space = meta.space ?? 'srgb';
  const layout = await channelLayout(absolute, meta);
  const plan = planDecode(space, meta.depth, layout);
  const notes = await decodeNotes(absolute, meta, layout, plan);
  // A profile stated another way (PNG gAMA/cHRM, EXIF's DCF Adobe RGB) stands in for an ICC one.
  const implied = await impliedProfile(absolute, meta);
  if (implied?.note) notes.push(implied.note);
  // sharp reports no XMP or IPTC for a JPEG with a gain map: those come from the file's head, as
  // do the quantisation tables (jpeg-quality.ts).
  const head = meta.format === 'jpeg' ? await readJpegHead(absolute).catch(() => []) : [];
  const jpegQuality = headQuality(head);
  const gainMap = readGainMap(meta, head);
  const density = await statedDensity(absolute, meta);
  const xmp = meta.xmp ?? headXmp(head);
  const iptc = iptcDatasets(meta.iptc ?? headPhotoshop(head));
  // Before the pixels: a file replaced while they are read then never passes for the one read.
  const fingerprint = await sourceFingerprint(absolute).catch(() => undefined);
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await withEndMarkerRepair(absolute, decodeInput(plan), (image) => decodePipeline(image, plan).toBuffer({ resolveWithObject: true }));
  } catch (error) {
    throw decodeError(error, absolute);
  }
  const raster = toRaster(decoded.data, decoded.info, plan, absolute);
  return {
    raster,
    source: {
      path: absolute,
      format: meta.format ?? 'unknown',
      orientation: meta.orientation ?? 1,
      space,
      icc: meta.icc ?? implied?.icc ?? null,
      exif: meta.exif ?? null,
      xmp,
      ...(density ? { density } : {}),
      ...(iptc ? { iptc } : {}),
      ...(fingerprint ? { fingerprint } : {}),
      hasAlpha: plan.hasAlpha,
      ...(isTransparent(raster) ? { transparent: true } : {}),
      ...(gainMap ? { gainMap } : {}),
      ...(notes.length > 0 ? { notes } : {}),
      fileSizeBytes,
      ...(jpegQuality ? { jpegQuality } : {}),
      ...(meta.format === 'jpeg' && meta.chromaSubsampling ? { chromaSubsampling: meta.chromaSubsampling } : {}),
      lossless: meta.format === 'webp' && (await isLosslessWebp(absolute)),
    },
  };
}

/**
 * Whether a WebP's (first) image is VP8L, WebP's lossless coding. sharp's metadata does not say,
 * so the RIFF chunks are walked from the file's start: 'VP8L' or 'VP8 ' comes first in a simple
 * file, after VP8X, ICCP, ANIM or ALPH chunks in an extended one, inside ANMF in an animated one.
 */
export async function isLosslessWebp(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(8);
    // 'RIFF', size, 'WEBP', then chunks: fourcc and little-endian size, payloads padded to even.
    for (let pos = 12, chunks = 0; chunks < 32; chunks++) {
      if ((await file.read(header, 0, 8, pos)).bytesRead < 8) return false;
      const fourcc = header.toString('latin1', 0, 4);
      if (fourcc === 'VP8L' || fourcc === 'VP8 ') return fourcc === 'VP8L';
      const size = header.readUInt32LE(4);
      // An animation frame's payload is a 16-byte frame header followed by the frame's own chunks.
      pos += fourcc === 'ANMF' ? 8 + 16 : 8 + size + (size & 1);
    }
    return false;
  } finally {
    await file.close();
  }
}

/**
 * What the user is told about this read: pages or frames left out, extra channels dropped, float
 * values clipped. The engine's callers show them (CLI note lines, the app's job notes).
 */
async function decodeNotes(path: string, meta: Metadata, layout: ChannelLayout, plan: DecodePlan): Promise<string[]> {
  const name = basename(path);
  const notes: string[] = [];
  // scRGB is linear sRGB: converted to sRGB's curve, it loses nothing worth a note.
  if (plan.converted && meta.space !== 'scrgb') notes.push(convertedNote(name, meta));
  const pages = meta.pages ?? 1;
  if (pages > 1) notes.push(`${name} has ${pages} pages or frames; only the first is deblurred and saved.`);
  if (layout.dropped > 0) notes.push(droppedChannelsNote(name, layout.dropped));
  if (meta.depth === 'float' || meta.depth === 'double') notes.push(await floatNote(path, name, meta.space));
  return notes;
}

/** CMYK and Lab photos come back as sRGB RGB (see the top of this file): said, not silent. */
function convertedNote(name: string, meta: Metadata): string {
  const space = SPACE_NAMES[meta.space ?? ''] ?? (meta.space ?? 'non-RGB').toUpperCase();
  const profile = meta.icc ? ` (its ${space} profile is not kept)` : meta.space === 'cmyk' ? ' (it has no profile: a generic CMYK profile was assumed)' : '';
  return `${name} is a ${space} photo: the result is RGB in sRGB${profile}.`;
}

const SPACE_NAMES: Readonly<Record<string, string>> = { cmyk: 'CMYK', lab: 'Lab', labs: 'Lab', labq: 'Lab', xyz: 'XYZ' };

/**
 * Float TIFFs (HDR merges, linear scans) are read as 16-bit integers, where 1.0 is white: values
 * above it are clipped, in the whole photo, not only the selection. One extra pass over the file,
 * only for float files, says whether any are.
 */
async function floatNote(path: string, name: string, space: string | undefined): Promise<string> {
  const saved = 'the result is saved with 16-bit integer samples';
  const brightest = await brightestSample(path, space).catch(() => null);
  if (brightest === null || !(brightest > 1)) return `${name} has 32-bit floating-point samples; ${saved} (no values above white, so nothing is clipped).`;
  // Two decimals, trailing zeros dropped: 1.77×, 2.7×, 3×.
  const factor = Number(brightest.toFixed(2));
  const above = Number.isFinite(factor) && factor > 1 ? `up to ${factor}× white` : 'above white';
  return `${name} has 32-bit floating-point samples ${above}: everything brighter than white is clipped to white in the whole photo, and ${saved}. To keep the highlights, tone-map or lower the exposure and export a 16-bit TIFF first.`;
}

/**
 * The largest colour sample of a float file. sharp's stats() streams the file once in bounded
 * memory, but reports each band's maximum as a whole number (1.77 as 1); it also says where that
 * maximum is, so the sample itself is read there, a 1 × 1 region, as stored (its own colour space:
 * no conversion to sRGB, which would clip it).
 */
async function brightestSample(path: string, space: string | undefined): Promise<number | null> {
  const input = { ...STRICT_INPUT, pages: 1 };
  const stats = await sharp(path, input).stats();
  const colour = stats.channels.slice(0, isGraySpace(space) ? 1 : 3);
  if (colour.length === 0) return null;
  const places = new Map(colour.map((c) => [`${c.maxX},${c.maxY}`, { left: c.maxX, top: c.maxY }]));
  let brightest = -Infinity;
  for (const { left, top } of places.values()) {
    const region = sharp(path, input).extract({ left, top, width: 1, height: 1 });
    const data = await (space ? region.toColourspace(space) : region).raw({ depth: 'float' }).toBuffer();
    const samples = new Float32Array(data.buffer, data.byteOffset, data.length / 4).subarray(0, colour.length);
    for (const v of samples) brightest = Math.max(brightest, v);
  }
  return brightest;
}

function planDecode(space: string, depth: string | undefined, layout: ChannelLayout): DecodePlan {
  const hasAlpha = layout.hasAlpha;
  const converted = isConvertedOnDecode(space);
  const gray = !converted && isGraySpace(space);
  // Anything deeper than 8 bits (16-bit ints, 32-bit float TIFF) is kept as 16 bits.
  const bitDepth: BitDepth = depth === undefined || depth === 'uchar' || depth === 'char' ? 8 : 16;
  const channels = ((gray ? 1 : 3) + (hasAlpha ? 1 : 0)) as RasterImage['channels'];
  return { converted, keep: layout.keep, gray, hasAlpha, bitDepth, channels };
}

function decodeInput(plan: DecodePlan): SharpOptions {
  return { ...STRICT_INPUT, autoOrient: true, ignoreIcc: !plan.converted };
}

function decodePipeline(image: Sharp, plan: DecodePlan): Sharp {
  // Extra channels to drop: every band as stored (a colourspace change could drop or mix them),
  // picked in toRaster.
  if (plan.keep && !plan.converted) return image.raw({ depth: plan.bitDepth === 16 ? 'ushort' : 'uchar' });
  if (plan.bitDepth === 16) {
    return image.toColourspace(plan.gray ? 'grey16' : 'rgb16').raw({ depth: 'ushort' });
  }
  // sharp drops the alpha band when asked for 8-bit 'b-w' raw output, so gray + alpha is
  // decoded as RGBA (gray copied exactly into R, G, B) and packed back to 2 channels below.
  const packGrayAlpha = plan.gray && plan.hasAlpha;
  return image.toColourspace(plan.gray && !packGrayAlpha ? 'b-w' : 'srgb').raw();
}

function toRaster(data: Buffer, info: OutputInfo, plan: DecodePlan, path: string): RasterImage {
  const { width, height } = info;
  const packGrayAlpha = plan.bitDepth === 8 && plan.gray && plan.hasAlpha && !plan.keep;
  const expected = plan.keep ? Math.max(...plan.keep) + 1 : packGrayAlpha ? 4 : plan.channels;
  if (plan.keep ? info.channels < expected : info.channels !== expected) {
    throw new UnshakeError(
      'UNSUPPORTED_FORMAT',
      `${basename(path)} decoded to ${info.channels} channels where ${expected} were expected; Unshake cannot tell which are its colours. In your editor, delete the extra channels (or flatten the image) and save a copy, then open that.`,
    );
  }
  const kept = <T extends Uint8Array | Uint16Array>(pixels: T): T => (plan.keep ? keepBands(pixels, info.channels, plan.keep) : pixels);
  if (plan.bitDepth === 16) {
    // Raw ushort output is host-endian; view it without copying when aligned.
    const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    const pixels = kept(new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2));
    return { width, height, channels: plan.channels, bitDepth: 16, pixels };
  }
  const bytes = kept(new Uint8Array(data.buffer, data.byteOffset, data.length));
  const pixels = packGrayAlpha ? packGrayAndAlpha(bytes, width * height) : bytes;
  return { width, height, channels: plan.channels, bitDepth: 8, pixels };
}

function packGrayAndAlpha(rgba: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count * 2);
  for (let i = 0; i < count; i++) {
    out[i * 2] = rgba[i * 4]!;
    out[i * 2 + 1] = rgba[i * 4 + 3]!;
  }
  return out;
}
