import { open } from 'node:fs/promises';
import { readHead, rewriteFile } from './file-rewrite.js';

/** VP8X's flags: the file has an EXIF chunk; the image has alpha. */
const EXIF_FLAG = 0x08;
const ALPHA_FLAG = 0x10;

interface Chunk {
  type: string;
  /** Where its header starts, and its whole length (header, data, pad byte). */
  at: number;
  length: number;
}

async function chunksOf(path: string): Promise<{ chunks: Chunk[]; size: number }> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const header = Buffer.alloc(12);
    await file.read(header, 0, 12, 0);
    if (header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WEBP') throw new Error(`${path} is not a WebP`);
    const chunks: Chunk[] = [];
    for (let at = 12; at + 8 <= size; ) {
      await file.read(header, 0, 8, at);
      const data = header.readUInt32LE(4);
      const length = 8 + data + (data & 1);
      chunks.push({ type: header.toString('latin1', 0, 4), at, length });
      at += length;
    }
    return { chunks, size };
  } finally {
    await file.close();
  }
}

/**
 * `webpPath` rewritten with `exif` (a bare EXIF block, as the WebP container wants it: no
 * "Exif\0\0" prefix, which libvips' writer adds) in an EXIF chunk before any XMP chunk, and VP8X
 * saying so (made, for a simple file, with the canvas size and alpha). Streamed through
 * `scratchPath`, which is renamed over it.
 */
export async function insertWebpExif(webpPath: string, exif: Buffer, scratchPath: string, image: { width: number; height: number; alpha: boolean }): Promise<void> {
  const { chunks, size } = await chunksOf(webpPath);
  const first = chunks[0];
  const hasVp8x = first?.type === 'VP8X';
  // VP8X is always the first chunk, right after the 12-byte RIFF header.
  const vp8x = hasVp8x ? Buffer.from((await readHead(webpPath, first.at + 18)).subarray(first.at)) : Buffer.alloc(18);
  if (hasVp8x) {
    vp8x[8] = vp8x[8]! | EXIF_FLAG;
  } else {
    vp8x.write('VP8X', 0, 'latin1');
    vp8x.writeUInt32LE(10, 4);
    vp8x[8] = EXIF_FLAG | (image.alpha ? ALPHA_FLAG : 0);
    vp8x.writeUIntLE(image.width - 1, 12, 3);
    vp8x.writeUIntLE(image.height - 1, 15, 3);
  }
  const chunk = Buffer.alloc(8 + exif.length + (exif.length & 1));
  chunk.write('EXIF', 0, 'latin1');
  chunk.writeUInt32LE(exif.length, 4);
  exif.copy(chunk, 8);
  const bodyStart = hasVp8x ? first.at + first.length : 12;
  const insertAt = chunks.find((c) => c.type === 'XMP ')?.at ?? size;
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(size - bodyStart + 12 + vp8x.length + chunk.length - 8, 4);
  riff.write('WEBP', 8, 'latin1');
  await rewriteFile(webpPath, scratchPath, [riff, vp8x, { from: bodyStart, to: insertAt }, chunk, { from: insertAt }]);
}
