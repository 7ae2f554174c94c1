import { open } from 'node:fs/promises';
import { PNG_SIGNATURE } from './png-chunks.js';

/** What a PNG says about its colours before its image data (PNG 3rd ed. §11.3.2). */
export interface PngColourChunks {
  /** gAMA as stored: the encoding gamma × 100,000 (45455 for 1/2.2). */
  gama?: number;
  /** cHRM: white x, y, then red, green, blue x, y. */
  chrm?: number[];
  /** An sRGB chunk: the file is sRGB whatever gAMA says. */
  srgb: boolean;
  iccp: boolean;
}

/** Colour chunks must come before PLTE and IDAT; a head this long is already unusual. */
const MAX_CHUNKS = 64;

export async function readPngColourChunks(path: string): Promise<PngColourChunks | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    if ((await file.read(head, 0, 8, 0)).bytesRead < 8 || !head.equals(PNG_SIGNATURE)) return null;
    const found: PngColourChunks = { srgb: false, iccp: false };
    for (let pos = 8, n = 0; n < MAX_CHUNKS; n++) {
      if ((await file.read(head, 0, 8, pos)).bytesRead < 8) break;
      const size = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (type === 'IDAT' || type === 'PLTE' || type === 'IEND') break;
      if (type === 'sRGB') found.srgb = true;
      else if (type === 'iCCP') found.iccp = true;
      else if ((type === 'gAMA' && size === 4) || (type === 'cHRM' && size === 32)) {
        const data = Buffer.alloc(size);
        await file.read(data, 0, size, pos + 8);
        if (type === 'gAMA') found.gama = data.readUInt32BE(0);
        else found.chrm = Array.from({ length: 8 }, (_, i) => data.readUInt32BE(4 * i) / 100000);
      }
      pos += 12 + size;
    }
    return found;
  } finally {
    await file.close();
  }
}
