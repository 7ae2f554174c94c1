import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { UnshakeError } from '../errors.js';
import { REPO_ROOT } from './repo-root.js';

/**
 * Photo-like test input of a given size without shipping large files: a real photo from
 * ../shared/data/photos-extra upscaled to W×H (4:3) with Gaussian grain overlaid (so decode and
 * encode cost is that of a real, detailed photo, not of flat colour), EXIF and an sRGB ICC
 * profile attached as a camera would. JPEG quality 92, or a 16-bit PNG as a raw converter
 * would export it.
 */
export function defaultPhotosDir(): string {
  return path.resolve(REPO_ROOT, '../shared/data/photos-extra/DIV2K-valid');
}

export async function photoLikeJpeg(dir: string, megapixels: number, photosDir = defaultPhotosDir()): Promise<string> {
  const file = path.join(dir, `photo-${megapixels}mp.jpg`);
  await (await photoLike(megapixels, photosDir)).jpeg({ quality: 92 }).toFile(file);
  return file;
}

/** 16-bit RGB PNG (fast zlib level): the bench's bounded-memory case for 16-bit photos. The
 * grain composite adds an alpha band, which a camera export would not have: dropped. */
export async function photoLikePng16(dir: string, megapixels: number, photosDir = defaultPhotosDir()): Promise<string> {
  const file = path.join(dir, `photo-${megapixels}mp-16bit.png`);
  await (await photoLike(megapixels, photosDir)).removeAlpha().toColourspace('rgb16').png({ compressionLevel: 1 }).toFile(file);
  return file;
}

/**
 * The real photo the inputs are made from. runBench asks first, before minutes of measuring: the
 * end-to-end runs that need it come after the roofline and the network sweep.
 */
export async function benchPhotoSource(photosDir = defaultPhotosDir()): Promise<string> {
  if (!existsSync(photosDir)) {
    throw new UnshakeError('FILE_NOT_FOUND', `The bench needs real photos in ${photosDir} (the shared data folder next to the repo).`);
  }
  const photos = (await readdir(photosDir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  if (photos.length === 0) throw new UnshakeError('FILE_NOT_FOUND', `No JPEG or PNG photos in ${photosDir}.`);
  return path.join(photosDir, photos[0]!);
}

async function photoLike(megapixels: number, photosDir: string): Promise<Sharp> {
  const source = await benchPhotoSource(photosDir);
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  const grain = { create: { width, height, channels: 3 as const, background: '#808080', noise: { type: 'gaussian' as const, mean: 128, sigma: 10 } } };
  return sharp(source, { limitInputPixels: false })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .composite([{ input: grain, blend: 'overlay' }])
    .withExif({ IFD0: { Make: 'Unshake bench', Model: `${megapixels} MP synthetic` } })
    .withIccProfile('srgb');
}
