import { jpegQualityFromSetting } from '../../../electron/common/jpeg-quality-floor.js';
import type { JpegSegment } from './jpeg-head.js';
import type { SourceMetadata } from './types.js';

/**
 * The quality a JPEG was saved at, as IJG libjpeg (and so libjpeg-turbo, mozjpeg, most editors)
 * counts it, read back from its quantisation tables (DQT): each quality scales the standard
 * tables of the JPEG spec (Annex K) one known way, so the quality whose tables come nearest is
 * the one it was saved at (ImageMagick and exiftool's JPEGQualityEstimate work alike). A camera's
 * own tables give the nearest IJG quality, an estimate.
 */
const DQT = 0xdb;

/** Annex K's luminance and chrominance tables, in zigzag order (as DQT stores them). */
const LUMINANCE = [
  16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51, 56, 55, 64, 72, 92, 78, 64, 68,
  87, 69, 55, 56, 80, 109, 81, 87, 95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
];
const CHROMINANCE = [17, 18, 18, 24, 21, 24, 47, 26, 26, 47, ...Array<number>(54).fill(99)];

/** The IJG quality of the first quantisation tables in `head`; undefined without any. */
export function headQuality(head: readonly JpegSegment[]): number | undefined {
  const tables = head.filter((s) => s.marker === DQT).flatMap((s) => quantTables(s.bytes.subarray(4)));
  if (tables.length === 0) return undefined;
  let best = { quality: 100, distance: Infinity };
  // From 100 down, keeping the first of equals: where tables clamp alike, the higher quality.
  for (let quality = 100; quality >= 1; quality--) {
    const distance = tables.reduce((sum, { id, values }) => sum + tableDistance(values, id === 0 ? LUMINANCE : CHROMINANCE, quality), 0);
    if (distance < best.distance) best = { quality, distance };
  }
  return best.quality;
}

/** libjpeg's jpeg_quality_scaling and jpeg_add_quant_table (baseline: at most 255). */
function tableDistance(values: readonly number[], standard: readonly number[], quality: number): number {
  const scale = quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
  let sum = 0;
  for (let i = 0; i < 64; i++) sum += Math.abs(values[i]! - Math.min(255, Math.max(1, Math.floor((standard[i]! * scale + 50) / 100))));
  return sum;
}

/** A DQT payload's tables: each a precision/id byte, then 64 values of 1 or 2 bytes. */
function quantTables(payload: Buffer): { id: number; values: number[] }[] {
  const tables: { id: number; values: number[] }[] = [];
  for (let at = 0; at < payload.length; ) {
    const wide = payload[at]! >> 4 === 1;
    const id = payload[at]! & 15;
    const end = at + 1 + 64 * (wide ? 2 : 1);
    if (end > payload.length) break;
    const values = Array.from({ length: 64 }, (_, i) => (wide ? payload.readUInt16BE(at + 1 + i * 2) : payload[at + 1 + i]!));
    tables.push({ id, values });
    at = end;
  }
  return tables;
}

export type ChromaSubsampling = '4:2:0' | '4:4:4';

/**
 * How a JPEG result is coded. From a JPEG original, the setting is a floor: a q98 original is
 * saved at 98, not degraded to 95 around a small selection; a quality asked for `exact`ly (the
 * command line's --quality) is written as asked, lower too. The original's subsampling is kept
 * (4:2:0 stays 4:2:0, not bloated; anything else gets 4:4:4, which loses no colour). Otherwise
 * the setting, with 4:4:4 from quality 90 up.
 */
export function jpegCoding(
  source: Pick<SourceMetadata, 'format' | 'jpegQuality' | 'chromaSubsampling'>,
  setting: number,
  exact = false,
): { quality: number; chromaSubsampling: ChromaSubsampling } {
  const own = source.format === 'jpeg';
  const quality = own && !exact ? jpegQualityFromSetting(setting, source.jpegQuality) : setting;
  const fromSetting: ChromaSubsampling = quality >= 90 ? '4:4:4' : '4:2:0';
  if (!own || !source.chromaSubsampling) return { quality, chromaSubsampling: fromSetting };
  return { quality, chromaSubsampling: source.chromaSubsampling === '4:2:0' ? '4:2:0' : '4:4:4' };
}
