import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Sharp } from 'sharp';
import { DEFAULT_SETTINGS, type OutputFormat } from '../../../electron/common/settings-schema.js';
import { UnshakeError } from '../errors.js';
import { tempPathBeside, writeAtomically } from './atomic-file.js';
import { probeFolder, writeRefusal } from './folder-write-check.js';
import { withRasterPipeline } from './carrier.js';
import { isGray } from './colour.js';
import { isConvertedOnDecode } from './decode.js';
import { UNSTATED_PPI } from './density.js';
import { planMetadata } from './file-metadata.js';
import { attachGainMap, resultGainMap, xmpWithGainMapLength } from './gain-map.js';
import { resolveOutputFormat, SIXTEEN_BIT_FORMATS, type WritableFormat } from './formats.js';
import { iccColourSpace, srgbIccProfile } from './icc.js';
import { jpegCoding, type ChromaSubsampling } from './jpeg-quality.js';
import type { RasterImage, SourceMetadata } from './types.js';
import { sourceFingerprint, xmpWithSource } from './provenance.js';
import { xmpWithOrientation } from './xmp.js';
import { xmpAsResult } from './xmp-version.js';
import { UNSHAKE_VERSION } from '../version.js';

export { defaultOutputPath } from './output-path.js';

export interface EncodeOptions {
  path: string;
  format?: OutputFormat;
  /** 1..100 for JPEG and WebP; default 95. A JPEG original's own quality is kept where higher, unless `exactQuality` (jpeg-quality.ts). */
  quality?: number;
  /** `quality` was asked for this file (the command line's --quality): written as asked, even below a JPEG original's own. */
  exactQuality?: boolean;
  /** Replace an existing file (never the source itself). */
  overwrite?: boolean;
  /** Aborted (Ctrl-C): nothing is published, the temp file is removed, CANCELLED is thrown. */
  signal?: AbortSignal;
}

export interface EncodeResult {
  path: string;
  bytes: number;
}

/**
 * Write an (oriented) raster with the source's ICC profile, EXIF (orientation reset to 1)
 * and XMP. PNG and TIFF keep 16 bits; JPEG and WebP get 16 → 8 rounding; a lossless WebP source
 * gives a lossless WebP (its own format, 'same', must not add loss). libvips streams the
 * file into a temp file beside the target, which is fsynced and renamed over it (atomic-file.ts),
 * so a failure leaves no partial output, and no raster-sized buffer is made on the way (the
 * metadata carrier is a streamed temp file too, carrier.ts). What libvips cannot write right is
 * added to the file it wrote (file-metadata.ts): the photo's own EXIF bytes in JPEG, PNG and
 * WebP, EXIF in TIFF, IPTC in JPEG and TIFF (in the XMP for PNG and WebP).
 */
export async function encodeImage(raster: RasterImage, source: SourceMetadata, options: EncodeOptions): Promise<EncodeResult> {
  const target = resolve(options.path);
  await checkTarget(target, source.path, options.overwrite ?? false);
  const format = resolveOutputFormat(source.format, options.format ?? 'same', target);
  const setting = options.quality ?? DEFAULT_SETTINGS.jpegQuality;
  const { quality, chromaSubsampling } = format === 'jpeg' ? jpegCoding(source, setting, options.exactQuality) : { quality: setting, chromaSubsampling: undefined };
  const { overwrite = false, signal } = options;
  // Which photo the result is of, for a batch run again (provenance.ts): as it was when its pixels
  // were read, else as it is now; a source gone since it was opened leaves the result without one.
  // Its pixels' too, where the deblur took them: a photo rated or keyworded since (its bytes
  // changed, not its pixels) still finds its result.
  const fingerprint = source.fingerprint ?? (await sourceFingerprint(source.path).catch(() => null));
  const pixels = fingerprint ? (source.pixels ?? null) : null;
  try {
    // replace: false publishes with a hard link, which fails (EEXIST) where a rename would
    // silently replace a file another save created meanwhile under the same name.
    const bytes = await writeAtomically(target, (temp) => encodeToFile(raster, source, { format, quality, chromaSubsampling, target, temp, fingerprint, pixels }), { replace: overwrite, signal });
    return { path: target, bytes };
  } catch (error) {
    if (signal?.aborted) throw new UnshakeError('CANCELLED', `The save was cancelled; ${target} was not written.`, { cause: error });
    if ((error as NodeJS.ErrnoException | null)?.code === 'EEXIST' && !overwrite) throw outputExists(target);
    throw writeFailed(target, error);
  }
}

interface FileJob {
  format: WritableFormat;
  quality: number;
  /** JPEG only (jpeg-quality.ts). */
  chromaSubsampling: ChromaSubsampling | undefined;
  target: string;
  /** Where libvips writes; writeAtomically renames it over `target`. */
  temp: string;
  fingerprint: string | null;
  pixels: string | null;
}

async function encodeToFile(raster: RasterImage, source: SourceMetadata, { format, quality, chromaSubsampling, target, temp, fingerprint, pixels }: FileJob): Promise<void> {
  const expected = raster.width * raster.height * raster.channels;
  if (raster.pixels.length !== expected) {
    throw new Error(`raster has ${raster.pixels.length} samples, expected ${expected}`);
  }
  const bitDepth = SIXTEEN_BIT_FORMATS.has(format) ? raster.bitDepth : 8;
  // WebP has no gray mode: libvips writes gray as RGB, where a GRAY profile would be invalid.
  const grayOut = isGray(raster) && format !== 'webp';
  // So gray in its own profile (gamma 1.0, dot gain…) goes to WebP converted into sRGB through
  // that profile: dropped with its values kept, the tones would shift.
  const grayToSrgb = isGray(raster) && !grayOut && !isConvertedOnDecode(source.space) && iccColourSpace(source.icc) === 'GRAY';
  const icc = grayToSrgb ? source.icc : await outputIcc(source, grayOut);
  const metadata = planMetadata(source, raster, format);
  const exif = metadata.carriedExif;
  // An HDR photo's gain map goes back after the deblurred picture (other formats cannot hold it:
  // result-notes.ts says so), made first, since the XMP may state its length.
  const gainMap = format === 'jpeg' && source.gainMap ? await resultGainMap(source.gainMap, source.orientation) : null;
  // Upright, and a new version of the photo (xmp-version.ts), not the photo as it was.
  const version = { width: raster.width, height: raster.height, software: `Unshake ${UNSHAKE_VERSION}` };
  const photoXmp = source.xmp ? xmpAsResult(xmpWithOrientation(source.xmp.toString('utf8'), 1), version) : null;
  await withRasterPipeline(raster, { icc, exif, density: metadata.carriedDensity }, { bitDepth, target }, async (input) => {
    let pipeline = input;
    if (grayToSrgb) pipeline = pipeline.withIccProfile('srgb');
    else if (icc) pipeline = pipeline.keepIccProfile();
    if (exif) pipeline = pipeline.keepExif();
    const xmp = metadata.xmp(photoXmp && gainMap ? xmpWithGainMapLength(photoXmp, gainMap.length) : photoXmp);
    if (fingerprint) pipeline = pipeline.withXmp(xmpWithSource(xmp, fingerprint, pixels));
    else if (xmp) pipeline = pipeline.withXmp(xmp);
    const sixteen = bitDepth === 16;
    pipeline = pipeline.toColourspace(grayOut ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb');
    await withFormat(pipeline, format, { quality, chromaSubsampling, pixels: raster.width * raster.height, lossless: source.lossless === true, density: source.density }).toFile(temp);
  });
  await metadata.addAfter(temp, tempPathBeside(target, 'metadata'));
  if (gainMap && source.gainMap) await attachGainMap(temp, source.gainMap, gainMap, tempPathBeside(target, 'gainmap'));
}

/**
 * The profile to embed: the original bytes when they describe the pixels we write, sRGB when
 * decode converted the source (CMYK, Lab) to sRGB, and none when the original profile cannot
 * describe the output (a GRAY profile on RGB output, say).
 */
async function outputIcc(source: SourceMetadata, grayOut: boolean): Promise<Buffer | null> {
  if (isConvertedOnDecode(source.space)) return grayOut ? null : srgbIccProfile();
  return iccColourSpace(source.icc) === (grayOut ? 'GRAY' : 'RGB') ? source.icc : null;
}

/**
 * libjpeg's Huffman optimisation (sharp's default) keeps every DCT coefficient of the image in
 * memory for a second pass: +1.15 GB at 100 MP (measured), for files ~5 % smaller. Above this
 * size the bounded-memory promise wins (issue 4: 100 MP under 2 GB RSS).
 */
const OPTIMISE_JPEG_CODING_MAX_PIXELS = 50e6;

/**
 * `lossless`: the source was a lossless WebP; a WebP output stays lossless (quality is ignored).
 * `density`: the source's pixels per inch, which sharp's TIFF writer would otherwise replace with
 * its own default (1 pixel per mm, 25.4 ppi): 72 where the photo states none, as readers assume;
 * the other writers take it from the carrier.
 */
function withFormat(
  pipeline: Sharp,
  format: WritableFormat,
  { quality, chromaSubsampling, pixels, lossless, density }: { quality: number; chromaSubsampling: ChromaSubsampling | undefined; pixels: number; lossless: boolean; density: number | undefined },
): Sharp {
  switch (format) {
    case 'jpeg':
      // JPEG has no alpha: flatten onto white as most viewers would show it.
      return pipeline.flatten({ background: '#ffffff' }).jpeg({
        quality,
        chromaSubsampling: chromaSubsampling ?? (quality >= 90 ? '4:4:4' : '4:2:0'),
        optimiseCoding: pixels <= OPTIMISE_JPEG_CODING_MAX_PIXELS,
      });
    case 'png':
      return pipeline.png({ compressionLevel: 6 });
    case 'tiff':
      return pipeline.tiff({ compression: 'lzw', predictor: 'horizontal', xres: (density ?? UNSTATED_PPI) / 25.4, yres: (density ?? UNSTATED_PPI) / 25.4, resolutionUnit: 'inch' });
    case 'webp':
      // exact: keep the colour under fully transparent pixels, which lossless mode may otherwise alter.
      return lossless ? pipeline.webp({ lossless: true, exact: true }) : pipeline.webp({ quality });
  }
}

/**
 * Everything about the output that can be known before any work: the format its name allows, its
 * folder, and that it neither is the original nor replaces a file unasked. deblurFile calls it
 * before minutes of inference; encodeImage checks again when it writes (links included).
 */
export async function checkOutput(target: string, source: Pick<SourceMetadata, 'path' | 'format'>, options: Pick<EncodeOptions, 'format' | 'overwrite'>): Promise<WritableFormat> {
  const absolute = resolve(target);
  const format = resolveOutputFormat(source.format, options.format ?? 'same', absolute);
  await checkTarget(absolute, source.path, options.overwrite ?? false);
  await checkOutputFolder(absolute);
  return format;
}

/**
 * The folder `target` goes in is there and can be written: a locked SD card, a read-only share, a
 * folder the user may not write. Needs only the path, so it runs before the photo is decoded.
 */
export async function checkOutputFolder(target: string): Promise<void> {
  const absolute = resolve(target);
  const folder = await stat(dirname(absolute)).catch(() => null);
  if (!folder?.isDirectory()) throw new UnshakeError('WRITE_FAILED', `The folder ${dirname(absolute)} does not exist: create it or choose another place for the output.`);
  await probeFolder(dirname(absolute)).catch((error: unknown) => {
    throw writeFailed(absolute, error);
  });
}

async function checkTarget(target: string, sourcePath: string, overwrite: boolean): Promise<void> {
  // A name over the file system's limit can never be written: say so now, not after the encode.
  const existing = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENAMETOOLONG') throw writeFailed(target, error);
    return null;
  });
  const sameAsSource = target === resolve(sourcePath) || (existing !== null && (await sameFile(target, sourcePath)));
  if (sameAsSource) {
    throw new UnshakeError(
      'OUTPUT_EXISTS',
      `${basename(target)} is the original photo; Unshake never writes over an original: choose another file name.`,
    );
  }
  if (existing?.isDirectory()) {
    throw new UnshakeError('WRITE_FAILED', `${target} is a folder: choose a file name for the output.`);
  }
  if (existing && !overwrite) throw outputExists(target);
}

function outputExists(target: string): UnshakeError {
  return new UnshakeError('OUTPUT_EXISTS', `${target} already exists: choose another name or confirm that it may be replaced.`);
}

/** Same file through a symlink or hard link: compare device and inode, not names. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** The advice that fits the cause, from fs's errno code or the system error libvips quotes. */
function writeFailed(target: string, error: unknown): UnshakeError {
  if (error instanceof UnshakeError) return error;
  const refusal = writeRefusal(error);
  const message = error instanceof Error ? error.message : String(error);
  const why = refusal ? `: ${refusal.why}: ${refusal.fix}. Nothing was written.` : ` (${message.split('\n')[0]}); nothing was written. Check the folder exists and has free space.`;
  return new UnshakeError('WRITE_FAILED', `Could not write ${target}${why}`, { cause: error });
}
