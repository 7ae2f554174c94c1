import type { Metadata } from 'sharp';
import { readIfd, withTiffIfd0 } from './tiff-ifd.js';
import type { RasterImage } from './types.js';

/**
 * Which of a file's bands are its picture. libvips calls any band after the colour ones alpha,
 * but a TIFF says what each extra band is (ExtraSamples): 1 or 2 is transparency, 0
 * ("unspecified") is what Photoshop writes for a saved selection or a spot channel. Read as
 * alpha, such a mask made "masked" areas white in a JPEG and transparent in a TIFF. Those bands
 * are dropped (and said so): the photo is its colour bands plus its declared alpha, if any.
 */
export interface ChannelLayout {
  /** The bands kept, in order, where some are dropped; null: all of them. */
  keep: number[] | null;
  hasAlpha: boolean;
  /** How many unspecified extra channels are left out. */
  dropped: number;
}

const PHOTOMETRIC = 0x0106;
const SAMPLES_PER_PIXEL = 0x0115;
const EXTRA_SAMPLES = 0x0152;
/** Colour bands by PhotometricInterpretation: white- or black-is-zero gray, RGB, CMYK (separated), CIELab. */
const COLOUR_BANDS: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 3, 5: 4, 8: 3 };

export async function channelLayout(path: string, meta: Pick<Metadata, 'format' | 'hasAlpha' | 'channels'>): Promise<ChannelLayout> {
  const all: ChannelLayout = { keep: null, hasAlpha: meta.hasAlpha ?? false, dropped: 0 };
  if (meta.format !== 'tiff') return all;
  const declared = await tiffExtraSamples(path).catch(() => null);
  if (!declared || declared.extra.length === 0 || declared.colour + declared.extra.length !== meta.channels) return all;
  const alphaAt = declared.extra.findIndex((kind) => kind === 1 || kind === 2);
  const keep = [...Array(declared.colour).keys(), ...(alphaAt >= 0 ? [declared.colour + alphaAt] : [])];
  const dropped = (meta.channels ?? 0) - keep.length;
  return dropped === 0 ? { ...all, hasAlpha: alphaAt >= 0 } : { keep, hasAlpha: alphaAt >= 0, dropped };
}

/** IFD0's colour band count and ExtraSamples values, or null where the file does not say. */
async function tiffExtraSamples(path: string): Promise<{ colour: number; extra: number[] } | null> {
  const tags = new Set([PHOTOMETRIC, SAMPLES_PER_PIXEL, EXTRA_SAMPLES]);
  return withTiffIfd0(path, async ({ readAt, ifd0, little }) => {
    const { entries } = await readIfd(readAt, ifd0, little, { keep: (tag) => tags.has(tag) });
    const shorts = (tag: number) => {
      const entry = entries.find((e) => e.tag === tag && e.type === 3);
      return entry ? Array.from({ length: entry.count }, (_, i) => entry.value.readUInt16LE(i * 2)) : null;
    };
    const colour = COLOUR_BANDS[shorts(PHOTOMETRIC)?.[0] ?? -1];
    if (colour === undefined) return null;
    return { colour, extra: shorts(EXTRA_SAMPLES) ?? [] };
  });
}

/** `pixels` (interleaved, `channels` bands) with only the bands `keep` names. */
export function keepBands<T extends Uint8Array | Uint16Array>(pixels: T, channels: number, keep: readonly number[]): T {
  const count = pixels.length / channels;
  const out = new (pixels.constructor as new (length: number) => T)(count * keep.length);
  for (let i = 0, o = 0; i < count; i++) {
    const base = i * channels;
    for (const band of keep) out[o++] = pixels[base + band]!;
  }
  return out;
}

export function droppedChannelsNote(name: string, dropped: number): string {
  const what = dropped === 1 ? 'an extra channel that is' : `${dropped} extra channels that are`;
  return `${name} has ${what} not transparency (a saved selection or spot colour): only its colour and transparency are deblurred and saved; the extra channel is not kept (the original still has it).`;
}

/**
 * Whether some pixel of `raster` is not fully opaque. Many editors save an alpha channel that is
 * opaque everywhere: flattening that loses nothing, and a note would be a false alarm.
 */
export function isTransparent(raster: RasterImage): boolean {
  const { channels, pixels, bitDepth } = raster;
  if (channels !== 2 && channels !== 4) return false;
  const opaque = bitDepth === 16 ? 65535 : 255;
  for (let i = channels - 1; i < pixels.length; i += channels) if (pixels[i] !== opaque) return true;
  return false;
}
