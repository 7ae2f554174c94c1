import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { UnshakeError } from '../errors.js';
import { photoTypesInWords } from '../../../electron/common/photo-types.js';
import { SUPPORTED_INPUT_FORMATS } from './formats.js';
import { refuseRawFile } from './raw-files.js';
import { readTiffExif } from './tiff-exif.js';

/** Default refusal threshold (issue 4): beyond this, decoding would risk running out of memory. */
export const DEFAULT_MAX_MEGAPIXELS = 250;

export interface ProbeOptions {
  maxMegapixels?: number;
  /**
   * IMAGE_TOO_LARGE's advice, in the words of whoever set the limit: the app names its Output
   * panel, the command line its --max-megapixels. The engine knows neither.
   */
  limitAdvice?: string;
}

/** Advice that names no setting: the engine's callers say where their limit is set. */
export const DEFAULT_LIMIT_ADVICE = 'Raise the limit, or downscale the photo.';

export interface ProbedImage {
  /** Absolute path of the file. */
  path: string;
  /** sharp's header-only metadata (no pixels decoded). */
  meta: Metadata;
  fileSizeBytes: number;
}

/**
 * How strict every read of a photo's pixels is: 'error' also catches truncation ('truncated' is
 * implied) but tolerates libjpeg warnings such as stray bytes before a marker, which many real
 * camera files carry. The editor, batch and fine-tuning all read photos this way.
 */
export const CAMERA_FILES: SharpOptions = { failOn: 'error' };

/** Input options every full decode uses: strict about broken data, our own pixel limit. */
export const STRICT_INPUT: SharpOptions = {
  ...CAMERA_FILES,
  // We check the pixel count ourselves (with a clear message) before decoding.
  limitInputPixels: false,
};

/**
 * Check a path is a readable, non-empty, supported image within the pixel limit, reading only
 * the file header. Every failure a user can cause becomes an UnshakeError naming the file.
 */
export async function probeImage(path: string, options: ProbeOptions = {}): Promise<ProbedImage> {
  const absolute = resolve(path);
  const name = basename(absolute);
  const fileSizeBytes = await checkFile(absolute, name);
  // Before sharp, which would read a raw file's embedded thumbnail as the photo (or fail on it as "damaged").
  await refuseRawFile(absolute, name);
  let meta: Metadata;
  try {
    meta = await sharp(absolute, STRICT_INPUT).metadata();
  } catch (error) {
    throw headerError(error, name, await sniffFormat(absolute));
  }
  if (!meta.format || !SUPPORTED_INPUT_FORMATS.has(meta.format)) {
    throw new UnshakeError(
      'UNSUPPORTED_FORMAT',
      `${name} is a ${meta.format ?? 'unknown'} file, which Unshake does not open: use ${photoTypesInWords()}.`,
    );
  }
  if (!meta.width || !meta.height) {
    throw new UnshakeError('CORRUPT_IMAGE', `${name} has no valid image size in its header: the file is damaged; use another copy.`);
  }
  checkPixelLimit(meta.width * meta.height, options.maxMegapixels ?? DEFAULT_MAX_MEGAPIXELS, name, options.limitAdvice ?? DEFAULT_LIMIT_ADVICE);
  // libvips reads no EXIF from a TIFF: read it here, so the panel and every output get it.
  if (meta.format === 'tiff' && !meta.exif) meta = { ...meta, exif: (await readTiffExif(absolute)) ?? undefined };
  return { path: absolute, meta, fileSizeBytes };
}

/** Map a failure of the full pixel decode (after a good header) to an UnshakeError. */
export function decodeError(error: unknown, path: string): UnshakeError {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  // e.g. HEIC with HEVC: the header parses, but this libvips build has no decoder for it.
  if (/unsupported|no decoder|codec/i.test(detail ?? '')) {
    return new UnshakeError(
      'UNSUPPORTED_FORMAT',
      `${basename(path)} uses a compression this build cannot decode (${detail}): convert it to JPEG, PNG or TIFF first.`,
      { cause: error },
    );
  }
  return new UnshakeError(
    'CORRUPT_IMAGE',
    `${basename(path)} could not be decoded; it looks truncated or corrupt (${detail}). Copy the original file again or re-export it.`,
    { cause: error },
  );
}

async function checkFile(path: string, name: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UnshakeError('FILE_NOT_FOUND', `${path} does not exist: check the path or pick the file again.`, { cause: error });
    }
    if (code === 'ELOOP') {
      // A link to itself (or a ring of links): no permission would help.
      throw new UnshakeError('FILE_UNREADABLE', `${path} is a symbolic link that loops (it points back to itself, directly or through other links), so there is no photo behind it: point the link at a photo, or pick the photo itself.`, { cause: error });
    }
    throw new UnshakeError('FILE_UNREADABLE', `${path} cannot be read (${code ?? 'unknown error'}): check its permissions.`, { cause: error });
  }
  if (info.isDirectory()) {
    throw new UnshakeError('FILE_UNREADABLE', `${path} is a folder, not an image file: pick an image inside it.`);
  }
  if (!info.isFile()) {
    throw new UnshakeError('FILE_UNREADABLE', `${path} is not a regular file: pick an image file.`);
  }
  if (info.size === 0) {
    throw new UnshakeError('FILE_EMPTY', `${name} is empty (0 bytes): the copy or download did not finish; get the file again.`);
  }
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    throw new UnshakeError('FILE_UNREADABLE', `${path} cannot be read: check its permissions.`, { cause: error });
  }
  return info.size;
}

function headerError(error: unknown, name: string, signature: string | null): UnshakeError {
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.split('\n')[0];
  if (/unsupported image format/i.test(message)) {
    // libvips says "unsupported" when it cannot even parse the header, e.g. a TIFF cut short
    // before its directory. The file's signature tells a damaged photo from a foreign file.
    if (signature) {
      return new UnshakeError(
        'CORRUPT_IMAGE',
        `${name} is a ${signature} file, but it could not be read: it is probably truncated or damaged. Copy the original file again or re-export it.`,
        { cause: error },
      );
    }
    return new UnshakeError(
      'UNSUPPORTED_FORMAT',
      `${name} is not an image Unshake can read (unknown format): use ${photoTypesInWords()}.`,
      { cause: error },
    );
  }
  return new UnshakeError(
    'CORRUPT_IMAGE',
    `${name} has a damaged header (${detail}): copy the original file again or re-export it.`,
    { cause: error },
  );
}

/** ISO-BMFF brands libheif (sharp's "heif") opens: HEIC/HEIF and AVIF. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'avif', 'avis']);

/** The supported format (SUPPORTED_INPUT_FORMATS) whose signature starts `bytes`, for messages; null if none. */
function formatFromSignature(bytes: Uint8Array): string | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'JPEG';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'PNG';
  // Little- and big-endian TIFF, classic (42) and BigTIFF (43).
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a) || starts(0x49, 0x49, 0x2b, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2b)) {
    return 'TIFF';
  }
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'WebP';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'GIF';
  if (ascii(4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(8, 12))) return 'HEIF';
  return null;
}

async function sniffFormat(path: string): Promise<string | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(16), 0, 16, 0);
      return formatFromSignature(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

function checkPixelLimit(pixels: number, maxMegapixels: number, name: string, advice: string): void {
  const megapixels = pixels / 1e6;
  if (megapixels > maxMegapixels) {
    throw new UnshakeError(
      'IMAGE_TOO_LARGE',
      `${name} is ${megapixels.toFixed(megapixels < 10 ? 1 : 0)} megapixels, over the ${maxMegapixels}-megapixel limit that keeps deblurring within memory. ${advice}`,
    );
  }
}
