import sharp, { type JpegOptions, type Metadata, type Sharp } from 'sharp';
import { UnshakeError } from '../errors.js';
import { channelLayout, keepBands } from './extra-channels.js';
import { withEndMarkerRepair } from './jpeg-end-marker.js';
import { previewProfile, withInputProfile, type InputProfile } from './preview-colour.js';
import { decodeError, probeImage, STRICT_INPUT, type ProbeOptions } from './probe.js';

export interface Preview {
  jpeg: Buffer;
  width: number;
  height: number;
}

/**
 * A screen-size JPEG of a photo: upright, fitted inside maxEdge × maxEdge (never enlarged),
 * converted to sRGB through the embedded profile, or one stated without ICC as decode reads it
 * (screens and the renderer assume sRGB; this is only for display, the full-resolution decode
 * keeps the file's own values) and tagged sRGB.
 * Transparency is shown over white. JPEG shrink-on-load keeps this fast for large files.
 */
export async function makePreview(path: string, maxEdge = 2048, options: ProbeOptions = {}): Promise<Preview> {
  const { path: absolute, meta } = await probeImage(path, options);
  return screenJpeg(absolute, await screenPlan(absolute, meta), (image) => image.resize({ width: maxEdge, height: maxEdge, fit: 'inside', withoutEnlargement: true }), { quality: 88 });
}

interface ScreenPlan {
  /** The bands that are the picture (extra-channels.ts); null: all. */
  keep: number[] | null;
  /** A profile stated without ICC (preview-colour.ts); null: sharp's own reading. */
  profile: InputProfile | null;
}

async function screenPlan(absolute: string, meta: Metadata): Promise<ScreenPlan> {
  return { keep: (await channelLayout(absolute, meta)).keep, profile: await previewProfile(absolute, meta) };
}

/**
 * The upright photo, cut or scaled by `shape`, as an sRGB JPEG over white (what screens show).
 * `keep`: where a TIFF has extra channels that are not transparency, picked from the shaped
 * pixels, so a saved selection is not shown as holes. `profile`: attached after shaping, so the
 * original's Before view has the colours of the result (which embeds that profile) in After.
 */
async function screenJpeg(absolute: string, { keep, profile }: ScreenPlan, shape: (image: Sharp) => Sharp, jpeg: JpegOptions): Promise<Preview> {
  try {
    const { data, info } = await withEndMarkerRepair(absolute, { ...STRICT_INPUT, autoOrient: true }, async (image) => {
      const picked = keep ? await pickBands(shape(image), keep) : shape(image);
      return (profile ? await withInputProfile(picked, profile) : picked)
        .flatten({ background: '#ffffff' })
        // Without an explicit target, sharp leaves 16-bit files in its P3 working space.
        .withIccProfile('srgb')
        .jpeg(jpeg)
        .toBuffer({ resolveWithObject: true });
    });
    return { jpeg: data, width: info.width, height: info.height };
  } catch (error) {
    throw decodeError(error, absolute);
  }
}

/** The shaped pixels with only the `keep` bands, converted to sRGB, as a new pipeline. */
async function pickBands(image: Sharp, keep: number[]): Promise<Sharp> {
  const { data, info } = await image.withIccProfile('srgb').raw().toBuffer({ resolveWithObject: true });
  const pixels = keepBands(new Uint8Array(data.buffer, data.byteOffset, data.length), info.channels, keep);
  return sharp(pixels, { raw: { width: info.width, height: info.height, channels: keep.length as 1 | 2 | 3 | 4 } });
}

/** A rectangle of the upright full-resolution photo, in pixels. */
export interface CropRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A region of the photo at full resolution (one image pixel per output pixel), upright and in
 * sRGB like makePreview: what the editor's 100 % view shows, where sharpness is judged. The region
 * is clipped to the photo; a region wholly outside it is an INVALID_REQUEST.
 */
export async function makeCrop(path: string, region: CropRegion, options: ProbeOptions = {}): Promise<Preview> {
  const { path: absolute, meta } = await probeImage(path, options);
  const oriented = (meta.orientation ?? 1) >= 5;
  const fullWidth = oriented ? meta.height! : meta.width!;
  const fullHeight = oriented ? meta.width! : meta.height!;
  const left = Math.max(0, region.left);
  const top = Math.max(0, region.top);
  const width = Math.min(region.left + region.width, fullWidth) - left;
  const height = Math.min(region.top + region.height, fullHeight) - top;
  if (width <= 0 || height <= 0) {
    throw new UnshakeError('INVALID_REQUEST', `The region ${region.left},${region.top} ${region.width}×${region.height} lies outside the ${fullWidth}×${fullHeight} photo.`);
  }
  // Full-resolution colour (4:4:4): at 100 % halved chroma softened colour edges (22 levels off vs 14).
  return screenJpeg(absolute, await screenPlan(absolute, meta), (image) => image.extract({ left, top, width, height }), { quality: 92, chromaSubsampling: '4:4:4' });
}
