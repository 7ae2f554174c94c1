import type { GainMap } from './gain-map.js';

/**
 * In-memory image types shared by image IO, the inference pipeline and the CLI.
 * Pixels are interleaved, already rotated to EXIF orientation 1 ("oriented"), and kept in the
 * file's own bit depth so a 16-bit TIFF/PNG round-trips without quantisation.
 */
export type BitDepth = 8 | 16;

export interface RasterImage {
  width: number;
  height: number;
  /** 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA). CMYK sources are converted on decode. */
  channels: 1 | 2 | 3 | 4;
  bitDepth: BitDepth;
  /** Uint8Array for 8-bit, Uint16Array for 16-bit; length = width * height * channels. */
  pixels: Uint8Array | Uint16Array;
}

/** What must survive a decode → encode round trip besides the pixels. */
export interface SourceMetadata {
  path: string;
  /** sharp's format name: jpeg, png, tiff, webp, heif, ... */
  format: string;
  /** Orientation stored in the file (1..8); pixels in RasterImage are already oriented. */
  orientation: number;
  /** Colour space of the file as stored (srgb, b-w, cmyk, rgb16, grey16, ...). */
  space: string;
  /** Embedded ICC profile bytes, if any. */
  icc: Buffer | null;
  /** Raw EXIF block (as sharp reports it), if any. */
  exif: Buffer | null;
  /** XMP packet, if any. */
  xmp: Buffer | null;
  /** Print resolution in pixels per inch, where the file states one. */
  density?: number;
  /** IPTC-IIM datasets (iptc.ts), if the file has any. */
  iptc?: Buffer;
  /**
   * The file's fingerprint (provenance.ts) when its pixels were read: what a result made from them
   * records, and how a later read finds the file changed since.
   */
  fingerprint?: string;
  /** The decoded pixels' fingerprint (provenance.ts rasterFingerprint), where a deblur took it. */
  pixels?: string;
  hasAlpha: boolean;
  /** Some pixel is not fully opaque: a JPEG result, flattened onto white, loses that (result-notes.ts). */
  transparent?: boolean;
  fileSizeBytes: number;
  /**
   * The source is a lossless WebP (VP8L): a WebP output is then written lossless too, so saving
   * in its own format does not add compression loss. Absent or false: lossy or not WebP.
   */
  lossless?: boolean;
  /** A JPEG's IJG quality, estimated from its quantisation tables (jpeg-quality.ts): a JPEG result's floor. */
  jpegQuality?: number;
  /** A JPEG's chroma subsampling as sharp reports it (4:2:0, 4:4:4, 4:2:2…): a JPEG result keeps 4:2:0. */
  chromaSubsampling?: string;
  /** An Ultra HDR / ISO 21496-1 JPEG's gain map (gain-map.ts): put back in a JPEG result. */
  gainMap?: GainMap;
  /**
   * What the user should be told about this read (pages or frames left out, extra channels
   * dropped, float values clipped): shown with the result by the CLI and the app.
   */
  notes?: string[];
}

export interface DecodedImage {
  raster: RasterImage;
  source: SourceMetadata;
}
