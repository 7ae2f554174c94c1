import { crc32, deflateSync } from 'node:zlib';
import { readHead, rewriteFile } from './file-rewrite.js';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Signature, then IHDR: length (4), type (4), 13 bytes of data, CRC (4). */
export const AFTER_IHDR = 8 + 4 + 4 + 13 + 4;

/** A PNG chunk: length, type, data, and the CRC of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/** An iCCP chunk carrying `icc`: the name libpng writes, no name text, zlib (method 0). */
export function iccpChunk(icc: Buffer): Buffer {
  return pngChunk('iCCP', Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), deflateSync(icc)]));
}

/** The in-memory PNG with `chunks` right after IHDR, before any image data (where iCCP, gAMA, cHRM must be). */
export function pngWithChunks(png: Buffer, chunks: readonly Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, AFTER_IHDR), ...chunks, png.subarray(AFTER_IHDR)]);
}

/**
 * `pngPath` rewritten with `chunk` right after IHDR (before any image data, where eXIf must be),
 * streamed through `scratchPath` (a temp name beside it), which is renamed over it.
 */
export async function insertPngChunk(pngPath: string, chunk: Buffer, scratchPath: string): Promise<void> {
  const head = await readHead(pngPath, AFTER_IHDR);
  if (head.length < AFTER_IHDR || !head.subarray(0, 8).equals(PNG_SIGNATURE) || head.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${pngPath} is not a PNG`);
  await rewriteFile(pngPath, scratchPath, [head, chunk, { from: AFTER_IHDR }]);
}
