import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { xmpWithDescription } from './xmp.js';

/**
 * Which photo a result was made from, written into the result's XMP, so a batch run again tells
 * its own results from another photo's of the same name (x.jpg from two card folders into one
 * output folder; a.png's result where a.jpg's would go in another format). A fingerprint of the
 * source's bytes, not its path: a result shared or published says nothing of where it was made.
 */
const NAMESPACE = 'https://unshake.app/ns/xmp/1.0/';
const PROPERTY = 'unshake:SourceFingerprint';
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
 * `xmp` (the original's packet, or none) with the source's fingerprint in it. An earlier one (a
 * result deblurred again) is removed as a property only, attribute or element, whatever else its
 * description holds: XMP toolkits (Lightroom's "save metadata") merge descriptions.
 */
export function xmpWithSource(xmp: string | null, fingerprint: string): string {
  const description = `<rdf:Description rdf:about="" xmlns:unshake="${NAMESPACE}" ${PROPERTY}="${fingerprint}"/>`;
  const cleaned = xmp?.replace(new RegExp(`\\s${PROPERTY}\\s*=\\s*(["'])[^"']*\\1`, 'g'), '').replace(new RegExp(`<${PROPERTY}>[^<]*</${PROPERTY}>`, 'g'), '') ?? null;
  return xmpWithDescription(cleaned, description);
}

/** The source fingerprint a result carries; null for a file without one (an older result, a photographer's own file) or unreadable. */
export async function resultSource(file: string): Promise<string | null> {
  const { xmp } = await sharp(file).metadata().catch(() => ({ xmp: undefined }));
  if (!xmp) return null;
  // The last one, attribute or element: the one this version wrote, if a toolkit kept an older one too.
  const found = [...xmp.toString('utf8').matchAll(new RegExp(`${PROPERTY}(?:\\s*=\\s*["']|>)([0-9a-f]+)`, 'g'))];
  return found.at(-1)?.[1] ?? null;
}
