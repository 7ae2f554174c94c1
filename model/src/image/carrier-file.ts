import { createWriteStream } from 'node:fs';
import { endianness } from 'node:os';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflate } from 'node:zlib';
import { iccpChunk, PNG_SIGNATURE, pngChunk } from './png-chunks.js';
import { toEightBit } from './colour.js';
import type { BitDepth, RasterImage } from './types.js';

export interface CarrierMetadata {
  icc: Buffer | null;
  exif: Buffer | null;
  /** Print resolution, pixels per inch: libvips takes it from pHYs and writes it in every format. */
  density?: number | null;
}

/** PNG colour type by channel count: gray, gray + alpha, RGB, RGBA. */
const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;
/** Rows are handed to zlib about this many bytes at a time: memory stays a few MiB. */
const BAND_BYTES = 1 << 20;
/** zlib's output block, and so the IDAT chunk size. */
const IDAT_BYTES = 1 << 18;

/**
 * Write `raster` as an uncompressed PNG (zlib level 0, filter "none") to `path`, with the
 * original ICC profile (iCCP) and EXIF (eXIf) chunks right after IHDR, streaming: only a band of
 * rows is ever in memory, never a raster-sized buffer. `bitDepth` 8 on a 16-bit raster rounds
 * each band with toEightBit, so the output is exactly what the in-memory copy would hold.
 * Creates `path` exclusively (a fresh temp name); on failure the caller removes it.
 */
export async function writeCarrierPng(raster: RasterImage, path: string, meta: CarrierMetadata, bitDepth: BitDepth = raster.bitDepth): Promise<void> {
  if (bitDepth > raster.bitDepth) throw new Error('the carrier cannot widen 8-bit samples to 16 bits');
  const head = [PNG_SIGNATURE, pngChunk('IHDR', ihdr(raster, bitDepth))];
  if (meta.icc) head.push(iccpChunk(meta.icc));
  if (meta.exif) head.push(pngChunk('eXIf', meta.exif));
  if (meta.density) head.push(pngChunk('pHYs', physicalPixels(meta.density)));
  const chunker = new Transform({
    transform(data: Buffer, _encoding, done) {
      done(null, pngChunk('IDAT', data));
    },
    flush(done) {
      done(null, pngChunk('IEND', Buffer.alloc(0)));
    },
  });
  chunker.push(Buffer.concat(head));
  await pipeline(
    // One band waits while the next is deflated: objectMode counts bands, not bytes.
    Readable.from(scanlineBands(raster, bitDepth), { highWaterMark: 1 }),
    createDeflate({ level: 0, chunkSize: IDAT_BYTES }),
    chunker,
    createWriteStream(path, { flags: 'wx' }),
  );
}

/** pHYs: pixels per metre in x and y, unit 1 (the metre). */
function physicalPixels(pixelsPerInch: number): Buffer {
  const data = Buffer.alloc(9);
  const perMetre = Math.round(pixelsPerInch / 0.0254);
  data.writeUInt32BE(perMetre, 0);
  data.writeUInt32BE(perMetre, 4);
  data[8] = 1;
  return data;
}

function ihdr(raster: RasterImage, bitDepth: BitDepth): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(raster.width, 0);
  data.writeUInt32BE(raster.height, 4);
  data[8] = bitDepth;
  data[9] = COLOUR_TYPE[raster.channels];
  // compression 0 (deflate), filter method 0, no interlace: bytes 10..12 stay 0.
  return data;
}

/** PNG scanlines (filter byte 0 + samples, 16-bit big-endian) in bands of whole rows. */
function* scanlineBands(raster: RasterImage, bitDepth: BitDepth): Generator<Buffer> {
  const { width, height, channels } = raster;
  const rowSamples = width * channels;
  const sampleBytes = bitDepth / 8;
  const rowBytes = 1 + rowSamples * sampleBytes;
  const rowsPerBand = Math.max(1, Math.floor(BAND_BYTES / rowBytes));
  const swap = sampleBytes === 2 && endianness() === 'LE';
  for (let y0 = 0; y0 < height; y0 += rowsPerBand) {
    const rows = Math.min(rowsPerBand, height - y0);
    const slice: RasterImage = { ...raster, height: rows, pixels: raster.pixels.subarray(y0 * rowSamples, (y0 + rows) * rowSamples) };
    const samples = bitDepth === raster.bitDepth ? slice.pixels : toEightBit(slice).pixels;
    const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    const band = Buffer.alloc(rows * rowBytes); // zero filter bytes
    for (let r = 0; r < rows; r++) {
      const start = r * rowBytes + 1;
      bytes.copy(band, start, r * (rowBytes - 1), (r + 1) * (rowBytes - 1));
      if (swap) band.subarray(start, start + rowBytes - 1).swap16();
    }
    yield band;
  }
}

