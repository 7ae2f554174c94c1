import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';

/**
 * Whether a file under a result's name can count as a done result: its header reads as an image
 * and, for JPEG and PNG, it ends with the format's end marker (EOI, IEND). An empty file, or one a
 * copy cut short, is not done: the photo is written under the next free name and the file is left
 * as it is (it may be the photographer's). Cheap: a header and the last 12 bytes, no decode.
 * Returns the header read (what the result says of its source is in it), or null.
 */
export async function readableResult(file: string): Promise<Metadata | null> {
  const meta = await sharp(file).metadata().catch(() => null);
  if (!meta?.format || !meta.width) return null;
  if (meta.format !== 'jpeg' && meta.format !== 'png') return meta;
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(Math.min(12, size));
    await handle.read(tail, 0, tail.length, size - tail.length);
    const whole = meta.format === 'jpeg' ? tail.subarray(-2).equals(JPEG_EOI) : tail.toString('latin1', 4, 8) === 'IEND';
    return whole ? meta : null;
  } finally {
    await handle.close();
  }
}

const JPEG_EOI = Buffer.from([0xff, 0xd9]);

/** Said of a file under a result's name that is no image: what happens to it (nothing) and to the photo. */
export function unreadableNote(file: string): string {
  return `${file} is not a readable image (empty or cut short), so it does not count as done; it is left as it is and the photo is deblurred under another name.`;
}
