import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { defaultOutputPath, encodeImage } from '../../../model/src/image/encode.js';
import type { DecodedImage } from '../../../model/src/image/types.js';
import { makeRgbaPng, useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir();
let image: DecodedImage;
let original: Buffer;

beforeAll(async () => {
  const dir = tempDir();
  const { path } = await makeRgbaPng(dir);
  image = await decodeImage(path);
  original = await readFile(path);
});

/** Each case in its own folder so "nothing else was left behind" can be checked exactly. */
async function caseDir(name: string): Promise<string> {
  const path = join(tempDir(), name);
  await mkdir(path);
  return path;
}

describe('encodeImage never loses data', () => {
  it('refuses the source path, even with overwrite, and through a symlink', async () => {
    const { raster, source } = image;
    await expect(encodeImage(raster, source, { path: source.path, overwrite: true })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    const link = join(await caseDir('link'), 'alias.png');
    await symlink(source.path, link);
    await expect(encodeImage(raster, source, { path: link, overwrite: true })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect((await readFile(source.path)).equals(original)).toBe(true);
  });

  it('refuses an existing file unless overwrite is true, then replaces it whole', async () => {
    const folder = await caseDir('existing');
    const target = join(folder, 'out.png');
    await writeFile(target, 'precious');
    await expect(encodeImage(image.raster, image.source, { path: target })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(await readFile(target, 'utf8')).toBe('precious');

    const result = await encodeImage(image.raster, image.source, { path: target, overwrite: true });
    expect(result.bytes).toBeGreaterThan(100);
    expect((await readFile(target)).subarray(1, 4).toString('latin1')).toBe('PNG');
    // write-file-atomic wrote a temp file and renamed it: nothing else is left in the folder.
    expect(await readdir(folder)).toEqual(['out.png']);
  });

  it('reports WRITE_FAILED and leaves nothing when the folder does not exist', async () => {
    const folder = await caseDir('missing-parent');
    const target = join(folder, 'no-such-tempDir()', 'out.png');
    await expect(encodeImage(image.raster, image.source, { path: target })).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(existsSync(target)).toBe(false);
    expect(await readdir(folder)).toEqual([]);
  });

  it('reports WRITE_FAILED and leaves nothing when the encoder fails', async () => {
    const folder = await caseDir('encoder-fails');
    const target = join(folder, 'too-wide.webp');
    // WebP cannot hold images wider than 16383 pixels.
    const width = 16_400;
    const raster = { width, height: 1, channels: 3 as const, bitDepth: 8 as const, pixels: new Uint8Array(width * 3) };
    const error = await encodeImage(raster, image.source, { path: target }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WRITE_FAILED' });
    expect((error as Error).message).toContain(target);
    expect(await readdir(folder)).toEqual([]);
  });

  it('refuses to write over a folder', async () => {
    const folder = await caseDir('folder-target');
    await mkdir(join(folder, 'out.png'));
    await expect(encodeImage(image.raster, image.source, { path: join(folder, 'out.png'), overwrite: true })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
    });
  });
});

describe('defaultOutputPath', () => {
  it('puts the output next to the original and counts up when taken', async () => {
    const folder = await caseDir('names');
    const photo = join(folder, 'photo.jpg');
    expect(defaultOutputPath(photo)).toBe(join(folder, 'photo-unshaken.jpg'));
    await writeFile(join(folder, 'photo-unshaken.jpg'), 'x');
    expect(defaultOutputPath(photo)).toBe(join(folder, 'photo-unshaken-2.jpg'));
    await writeFile(join(folder, 'photo-unshaken-2.jpg'), 'x');
    expect(defaultOutputPath(photo)).toBe(join(folder, 'photo-unshaken-3.jpg'));
    expect(defaultOutputPath(photo, '-sharp', 'png')).toBe(join(folder, 'photo-sharp.png'));
    expect(defaultOutputPath(photo, '-sharp', 'tiff')).toBe(join(folder, 'photo-sharp.tif'));
  });

  it('suggests .png for sources we cannot write, as format "same" does', async () => {
    const folder = await caseDir('unwritable');
    const target = defaultOutputPath(join(folder, 'anim.gif'));
    expect(target).toBe(join(folder, 'anim-unshaken.png'));
    const gifSource = { ...image.source, format: 'gif', path: join(folder, 'anim.gif') };
    await encodeImage(image.raster, gifSource, { path: target });
    expect((await readFile(target)).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('never proposes the original itself', () => {
    const photo = join(tempDir(), 'same.jpg');
    expect(defaultOutputPath(photo, '')).toBe(join(tempDir(), 'same-2.jpg'));
  });
});
