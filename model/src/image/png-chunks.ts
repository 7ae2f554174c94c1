import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Signature, then IHDR: length (4), type (4), 13 bytes of data, CRC (4). */
const AFTER_IHDR = 8 + 4 + 4 + 13 + 4;

/** A PNG chunk: length, type, data, and the CRC of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * `pngPath` rewritten with `chunk` right after IHDR (before any image data, where eXIf must be),
 * streamed through `scratchPath` (a temp name beside it), which is renamed over it.
 */
export async function insertPngChunk(pngPath: string, chunk: Buffer, scratchPath: string): Promise<void> {
  const head = Buffer.alloc(AFTER_IHDR);
  const file = await open(pngPath, 'r');
  try {
    await file.read(head, 0, AFTER_IHDR, 0);
  } finally {
    await file.close();
  }
  if (!head.subarray(0, 8).equals(SIGNATURE) || head.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${pngPath} is not a PNG`);
  try {
    await pipeline(
      async function* () {
        yield head;
        yield chunk;
        yield* createReadStream(pngPath, { start: AFTER_IHDR });
      },
      createWriteStream(scratchPath, { flags: 'wx' }),
    );
    await rename(scratchPath, pngPath);
  } catch (error) {
    await rm(scratchPath, { force: true });
    throw error;
  }
}
