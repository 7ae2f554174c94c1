import exifr from 'exifr';
import type { MetadataSummary } from '../../../electron/common/ipc-contract.js';
import { bareExif } from './exif.js';
import { cameraName, EXIF_SUMMARY_TAGS, exposureText, lensName, takenAtIso, type ExifTags } from './exif-format.js';
import { channelLayout } from './extra-channels.js';
import { iccDescription } from './icc.js';
import { impliedProfile } from './implied-profile.js';
import { readJpegHead } from './jpeg-head.js';
import { headQuality } from './jpeg-quality.js';
import { probeImage, type ProbeOptions } from './probe.js';

/**
 * What the editor's side panel shows about a file, from its header only (no pixel decode).
 * Fails with the same codes as decodeImage for unusable files; for a valid image, missing or
 * broken EXIF just gives nulls.
 */
export async function readMetadataSummary(path: string, options: ProbeOptions = {}): Promise<MetadataSummary> {
  const { path: absolute, meta, fileSizeBytes } = await probeImage(path, options);
  // A TIFF's saved selection is not transparency (extra-channels.ts).
  const { hasAlpha } = await channelLayout(absolute, meta);
  const tags = await readExifTags(meta.exif ?? null);
  const orientation = meta.orientation && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1;
  // Only the head's few segments are read: the editor needs it to know which file a Save writes.
  const jpegQuality = meta.format === 'jpeg' ? headQuality(await readJpegHead(absolute).catch(() => [])) : undefined;
  return {
    format: meta.format ?? 'unknown',
    width: meta.autoOrient?.width ?? meta.width ?? 1,
    height: meta.autoOrient?.height ?? meta.height ?? 1,
    orientation,
    bitDepth: bitDepthOf(meta.depth),
    channels: meta.channels ?? 3,
    space: meta.space ?? 'srgb',
    hasAlpha,
    // A profile stated without ICC is named as such: the result embeds it (implied-profile.ts).
    iccProfileName: iccDescription(meta.icc ?? null) ?? (await impliedProfile(absolute, meta))?.label ?? null,
    camera: cameraName(tags),
    lens: lensName(tags),
    exposure: exposureText(tags),
    takenAt: takenAtIso(tags),
    fileSizeBytes,
    ...(jpegQuality ? { jpegQuality } : {}),
  };
}

/**
 * EXIF tags via exifr from the block sharp extracted. Going through sharp's buffer (rather
 * than exifr on the file) covers every format sharp reads, WebP included, which exifr's file
 * parsers do not.
 */
async function readExifTags(exif: Buffer | null): Promise<ExifTags> {
  const bare = bareExif(exif);
  if (!bare) return {};
  try {
    const tags: unknown = await exifr.parse(bare, { pick: [...EXIF_SUMMARY_TAGS], reviveValues: false, translateValues: false });
    return typeof tags === 'object' && tags !== null ? (tags as ExifTags) : {};
  } catch {
    return {};
  }
}

function bitDepthOf(depth: string | undefined): MetadataSummary['bitDepth'] {
  if (depth === 'ushort' || depth === 'short') return 16;
  if (depth === 'float' || depth === 'uint' || depth === 'int' || depth === 'double') return 32;
  return 8;
}
