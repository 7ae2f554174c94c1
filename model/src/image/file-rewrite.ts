import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/** What a rewritten file is made of: new bytes, and ranges of the file as it was. */
export type Piece = Buffer | { from: number; to?: number };

/**
 * `path` rewritten as `pieces`, streamed (never the whole file in memory) into `scratchPath`, a
 * temp name beside it, which is renamed over it; on any failure the scratch file is removed and
 * `path` is as it was. For metadata added to a file libvips wrote.
 */
export async function rewriteFile(path: string, scratchPath: string, pieces: readonly Piece[]): Promise<void> {
  try {
    await pipeline(
      async function* () {
        for (const piece of pieces) {
          if (Buffer.isBuffer(piece)) yield piece;
          else if (piece.to === undefined || piece.to > piece.from) yield* createReadStream(path, { start: piece.from, ...(piece.to === undefined ? {} : { end: piece.to - 1 }) });
        }
      },
      createWriteStream(scratchPath, { flags: 'wx' }),
    );
    await rename(scratchPath, path);
  } catch (error) {
    await rm(scratchPath, { force: true });
    throw error;
  }
}

/** The first `length` bytes of the file (fewer if it is shorter). */
export async function readHead(path: string, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  const file = await open(path, 'r');
  try {
    const { bytesRead } = await file.read(bytes, 0, length, 0);
    return bytes.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
