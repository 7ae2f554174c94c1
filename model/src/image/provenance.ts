import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { jpegXmp } from './jpeg-head.js';
import type { RasterImage } from './types.js';
import { xmpWithDescription } from './xmp.js';

/**
 * Which photo a result was made from, written into the result's XMP, so a batch run again tells
 * its own results from another photo's of the same name (x.jpg from two card folders into one
 * output folder; a.png's result where a.jpg's would go in another format). A fingerprint of the
 * source's bytes, not its path: a result shared or published says nothing of where it was made.
 */
const NAMESPACE = 'https://unshake.app/ns/xmp/1.0/';
const PROPERTY = 'unshake:SourceFingerprint';
/** The source's decoded pixels: unchanged when a photographer rates or keywords the photo (XMP written into the file). */
const PIXELS_PROPERTY = 'unshake:SourcePixels';
/** Bytes read from each end of the source: its size, headers (EXIF dates) and last block tell photos apart. */
const SAMPLE_BYTES = 256 * 1024;

/** sha256 of the source's size, first and last 256 KiB: fast on any file size, distinct for distinct photos. */
export async function sourceFingerprint(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const hash = createHash('sha256').update(`${size}:`);
    const head = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    await file.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > SAMPLE_BYTES) {
      const tail = Buffer.alloc(Math.min(SAMPLE_BYTES, size - SAMPLE_BYTES));
      await file.read(tail, 0, tail.length, size - tail.length);
      hash.update(tail);
    }
    return hash.digest('hex');
  } finally {
    await file.close();
  }
}

/**
 * sha256 of a photo's decoded pixels (upright, as the engine reads them) and their layout: what a
 * rating, keywords or a caption written into the file (Lightroom, digiKam, Bridge) leaves alone,
 * unlike the file's bytes, and still different for any two photos. Taken from the raster a deblur
 * decoded anyway, so writing a result costs no second decode (pixel-fingerprint.ts reads a file's).
 */
export function rasterFingerprint(raster: RasterImage): string {
  const hash = createHash('sha256');
  for (const part of rasterParts(raster)) hash.update(part);
  return hash.digest('hex');
}

/**
 * rasterFingerprint's digest, hashed a slice at a time with the event loop free between them: the
 * images worker answers other requests (a preview, a crop) meanwhile instead of 1–2 s later.
 */
export async function rasterFingerprintYielding(raster: RasterImage): Promise<string> {
  const hash = createHash('sha256');
  for (const part of rasterParts(raster)) {
    hash.update(part);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}

const SLICE_BYTES = 32 * 1024 * 1024;

/** What is hashed, in order: the layout, then the pixels in slices (one digest however it is cut). */
function* rasterParts({ width, height, channels, bitDepth, pixels }: RasterImage): Generator<string | Uint8Array> {
  yield `${width}x${height}x${channels}x${bitDepth}:`;
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  for (let offset = 0; offset < bytes.byteLength; offset += SLICE_BYTES) yield bytes.subarray(offset, offset + SLICE_BYTES);
}

/** Which photo a result says it was made from. */
export interface ResultSource {
  fingerprint: string;
  /** Absent in results made before 2026-12-08. */
  pixels: string | null;
}

/**
 * `xmp` (the original's packet, or none) with the source's fingerprints in it. Earlier ones (a
 * result deblurred again) are removed as properties only, attribute or element, whatever else its
 * description holds: XMP toolkits (Lightroom's "save metadata") merge descriptions.
 */
export function xmpWithSource(xmp: string | null, fingerprint: string, pixels: string | null = null): string {
  const pixelsAttribute = pixels ? ` ${PIXELS_PROPERTY}="${pixels}"` : '';
  const description = `<rdf:Description rdf:about="" xmlns:unshake="${NAMESPACE}" ${PROPERTY}="${fingerprint}"${pixelsAttribute}/>`;
  let cleaned = xmp;
  for (const property of [PROPERTY, PIXELS_PROPERTY]) {
    cleaned = cleaned?.replace(new RegExp(`\\s${property}\\s*=\\s*(["'])[^"']*\\1`, 'g'), '').replace(new RegExp(`<${property}>[^<]*</${property}>`, 'g'), '') ?? null;
  }
  return xmpWithDescription(cleaned, description);
}

/**
 * The fingerprints a result carries; null for a file without them (an older result, a
 * photographer's own file) or unreadable. `meta`: its header, where the caller read it already.
 */
export async function resultSources(file: string, meta?: Pick<Metadata, 'format' | 'xmp'>): Promise<ResultSource | null> {
  const header = meta ?? (await sharp(file).metadata().catch(() => null));
  // A JPEG result with a gain map: sharp reports no XMP for it; the file's head has it.
  const xmp = header ? await jpegXmp(file, header) : null;
  if (!xmp) return null;
  const text = xmp.toString('utf8');
  // The last one, attribute or element: the one this version wrote, if a toolkit kept an older one too.
  const last = (property: string) => [...text.matchAll(new RegExp(`${property}(?:\\s*=\\s*["']|>)([0-9a-f]+)`, 'g'))].at(-1)?.[1] ?? null;
  const fingerprint = last(PROPERTY);
  return fingerprint === null ? null : { fingerprint, pixels: last(PIXELS_PROPERTY) };
}
