import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import exifr from 'exifr';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTempBeside, tempPathBeside, writeAtomically } from '../../../model/src/image/atomic-file.js';
import { toEightBit } from '../../../model/src/image/colour.js';
import { decodeImage } from '../../../model/src/image/decode.js';
import { bareExif } from '../../../model/src/image/exif.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import type { DecodedImage, RasterImage, SourceMetadata } from '../../../model/src/image/types.js';
import { gradient16, makeOrientedPhoto, useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir();
const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const kodak = resolve(repoRoot, '../shared/data/photos-extra/Kodak24/kodim23.png');
let photo: DecodedImage;
let photoPath: string;

beforeAll(async () => {
  if (!existsSync(kodak)) throw new Error(`These tests need the real photo ${kodak} (the shared data folder next to the repo).`);
  photoPath = await makeOrientedPhoto(tempDir());
  photo = await decodeImage(photoPath);
  expect(photo.source.icc).not.toBeNull();
  expect(photo.source.exif).not.toBeNull();
});

async function caseDir(name: string): Promise<string> {
  const path = join(tempDir(), name);
  await mkdir(path);
  return path;
}

/** A real photo region as a 16-bit RGB raster (8-bit values spread over 16 bits plus fine detail). */
async function realRaster16(width: number, height: number): Promise<RasterImage> {
  const { data } = await sharp(kodak).extract({ left: 100, top: 100, width, height }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = Uint16Array.from(data, (v, i) => Math.min(65535, v * 257 + ((i * 37) % 257)));
  return { width, height, channels: 3, bitDepth: 16, pixels };
}

/** XMP as cameras and Lightroom write it: it repeats the (sideways) orientation, in both forms. */
function withXmp(source: SourceMetadata): SourceMetadata {
  const xmp =
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" dc:format="unshake-test" tiff:Orientation="6"/>' +
    '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/"><tiff:Orientation>6</tiff:Orientation></rdf:Description>' +
    '</rdf:RDF></x:xmpmeta>';
  return { ...source, xmp: Buffer.from(xmp, 'utf8') };
}

describe('encode through temp files keeps every piece of metadata', () => {
  for (const [ext, sixteen] of [
    ['jpg', false],
    ['png', true],
    ['tif', true],
    ['webp', false],
  ] as const) {
    it(`${ext}: ICC bytes equal, EXIF orientation 1, XMP kept${sixteen ? ', 16 bits exact' : ''}; nothing else left behind`, async () => {
      const folder = await caseDir(`meta-${ext}`);
      const raster = await realRaster16(96, 64);
      const source = withXmp(photo.source);
      const target = join(folder, `out.${ext}`);
      const tmpBefore = await readdir(tmpdir());
      const result = await encodeImage(raster, source, { path: target });

      const meta = await sharp(target).metadata();
      expect(meta.icc?.equals(source.icc!)).toBe(true);
      expect(meta.xmp?.toString('utf8')).toContain('unshake-test');
      // The pixels are upright now: XMP says so too, or apps that trust it turn the photo again.
      expect(meta.xmp?.toString('utf8').match(/tiff:Orientation(="\d+"|>\d+<)/g)).toEqual(['tiff:Orientation="1"', 'tiff:Orientation>1<']);
      if (ext !== 'tif') {
        expect(meta.orientation).toBe(1);
        // From the EXIF block sharp found (exifr cannot open WebP files itself).
        const tags = await exifr.parse(bareExif(meta.exif ?? null)!, { reviveValues: false, translateValues: false });
        expect(tags).toMatchObject({ Make: 'Canon', Model: 'Canon EOS R5', Orientation: 1 });
      }
      expect(result.bytes).toBe((await readFile(target)).length);
      const back = await decodeImage(target);
      expect(back.raster.bitDepth).toBe(sixteen ? 16 : 8);
      if (sixteen) expect(Buffer.from(back.raster.pixels.buffer).equals(Buffer.from(raster.pixels.buffer))).toBe(true);
      expect(await readdir(folder)).toEqual([`out.${ext}`]);
      expect((await readdir(tmpdir())).filter((f) => !tmpBefore.includes(f) && /unshake-(carrier|encode)/.test(f))).toEqual([]);
    });
  }

  it('16 → 8 bits in the streamed carrier rounds exactly like toEightBit', async () => {
    const folder = await caseDir('round');
    // Every 16-bit value once in the red channel, so each rounding boundary is crossed.
    const raster: RasterImage = { width: 256, height: 256, channels: 3, bitDepth: 16, pixels: gradient16(256, 256) };
    for (let i = 0; i < 65536; i++) raster.pixels[i * 3] = i;
    const source = { ...photo.source, format: 'jpeg' };
    const viaCarrier = await encodeImage(raster, source, { path: join(folder, 'carrier.jpg'), quality: 100 });
    const viaCopy = await encodeImage(toEightBit(raster), source, { path: join(folder, 'copy.jpg'), quality: 100 });
    expect((await readFile(viaCarrier.path)).equals(await readFile(viaCopy.path))).toBe(true);
  });
});

describe('long file names', () => {
  it('a name near the 255-byte cap saves (the temp name beside it shortens its copy), with nothing left behind', async () => {
    const folder = await caseDir('long-name');
    // 249 bytes with the extension, multi-byte characters included: the temp name must not cut one.
    const name = `${'é'.repeat(40)}${'x'.repeat(165)}.jpg`;
    expect(Buffer.byteLength(name)).toBe(249);
    const target = join(folder, name);
    await encodeImage(await realRaster16(64, 48), withXmp(photo.source), { path: target });
    expect(await readdir(folder)).toEqual([name]);
    expect((await sharp(target).metadata()).format).toBe('jpeg');
  });
});

describe('temp names beside an output', () => {
  it('are recognised as this output\'s only: a shortened copy of the name only where it was cut at the cap', () => {
    const short = tempPathBeside('/photos/photo.jpg', 'encode');
    expect(isTempBeside('/photos/photo.jpg', basename(short))).toBe(true);
    // A parallel save of "photo.jpg" is not "photo.jpg.png"'s, nor "a"'s temp file "a-unshaken.jpg"'s.
    expect(isTempBeside('/photos/photo.jpg.png', basename(short))).toBe(false);
    expect(isTempBeside('/photos/a-unshaken.jpg', basename(tempPathBeside('/photos/a', 'encode')))).toBe(false);
    const long = `/photos/${'x'.repeat(240)}.jpg`;
    expect(isTempBeside(long, basename(tempPathBeside(long, 'carrier', '.png')))).toBe(true);
  });

  it('an extension too long to leave room for one fails with a message instead of looping', () => {
    expect(() => tempPathBeside(`/photos/x.${'a'.repeat(240)}`, 'encode')).toThrow(/extension too long/);
  });
});

describe('no partial output, no temp files, on failure', () => {
  it('encoder failure after the carrier was written: WRITE_FAILED, folder empty, tmpdir clean', async () => {
    const folder = await caseDir('encoder-fails');
    // WebP cannot hold images wider than 16383 pixels; the photo's ICC/EXIF force the carrier path.
    const width = 16_400;
    const raster: RasterImage = { width, height: 2, channels: 3, bitDepth: 16, pixels: new Uint16Array(width * 2 * 3) };
    const tmpBefore = await readdir(tmpdir());
    const error = await encodeImage(raster, photo.source, { path: join(folder, 'wide.webp') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WRITE_FAILED' });
    expect(await readdir(folder)).toEqual([]);
    expect((await readdir(tmpdir())).filter((f) => !tmpBefore.includes(f) && /unshake-(carrier|encode)/.test(f))).toEqual([]);
  });

  it('missing target folder: WRITE_FAILED and nothing created', async () => {
    const folder = await caseDir('missing');
    const target = join(folder, 'gone', 'out.png');
    await expect(encodeImage(await realRaster16(32, 32), photo.source, { path: target })).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(await readdir(folder)).toEqual([]);
  });

  it('overwrite that fails leaves the old file untouched', async () => {
    const folder = await caseDir('keep-old');
    const target = join(folder, 'wide.webp');
    await writeFile(target, 'precious');
    const width = 16_400;
    const raster: RasterImage = { width, height: 1, channels: 3, bitDepth: 8, pixels: new Uint8Array(width * 3) };
    await expect(encodeImage(raster, photo.source, { path: target, overwrite: true })).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(await readFile(target, 'utf8')).toBe('precious');
    expect(await readdir(folder)).toEqual(['wide.webp']);
  });

  it('writeAtomically removes its temp file when writing or renaming fails and keeps the target', async () => {
    const folder = await caseDir('atomic');
    const target = join(folder, 'out.bin');
    await writeFile(target, 'old');
    await expect(
      writeAtomically(target, async (temp) => {
        await writeFile(temp, 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(folder)).toEqual(['out.bin']);

    // A real rename failure: the target became a non-empty folder after the checks.
    const dirTarget = join(folder, 'busy');
    await mkdir(dirTarget);
    await writeFile(join(dirTarget, 'inside'), 'x');
    await expect(writeAtomically(dirTarget, (temp) => writeFile(temp, 'new'))).rejects.toThrow();
    expect(await readdir(dirTarget)).toEqual(['inside']);
    expect((await readdir(folder)).sort()).toEqual(['busy', 'out.bin']);

    const bytes = await writeAtomically(join(folder, 'fresh.bin'), (temp) => writeFile(temp, 'abcdef'));
    expect(bytes).toBe(6);
    expect(await readFile(join(folder, 'fresh.bin'), 'utf8')).toBe('abcdef');
    await rm(join(folder, 'fresh.bin'));
  });
});

const run = promisify(execFile);

describe('encode memory', () => {
  it('a 24 MP 16-bit RGB raster with ICC+EXIF encodes to PNG with < 1.5 × the raster in extra peak RSS', async () => {
    if (process.platform !== 'linux') return;
    const folder = await caseDir('memory');
    const child = fileURLToPath(new URL('./encode-memory-child.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, photoPath, kodak, join(folder, 'big.png'), '24'], {
      cwd: repoRoot,
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rasterBytes: number; baselineHwm: number; finalHwm: number };
    expect(r.rasterBytes).toBeGreaterThan(140e6);
    const growth = r.finalHwm - r.baselineHwm;
    console.log(`encode peak growth ${(growth / 2 ** 20).toFixed(0)} MiB for a ${(r.rasterBytes / 2 ** 20).toFixed(0)} MiB raster`);
    expect(growth).toBeLessThan(1.5 * r.rasterBytes);
    expect((await sharp(join(folder, 'big.png')).metadata()).depth).toBe('ushort');
  });
});
