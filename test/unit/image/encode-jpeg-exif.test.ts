import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { reencode } from '../../fixtures/reencode.js';
import { exifBlock, offsetMakerNote, writeJpegWithExif, type ExifEntries } from '../../fixtures/exif-blocks.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * A JPEG, PNG or WebP result carries the photo's own EXIF bytes, not libexif's rewrite of them: tags libexif
 * does not know, MakerNotes it cannot parse, and notes whose offsets count from the block's start
 * all come through as they were.
 */
const tempDir = useTempDir('unshake-jpeg-exif-');

const jpegWith = (name: string, entries: ExifEntries, little = true) => writeJpegWithExif(join(tempDir(), name), exifBlock(little, entries));
const saveAs = (source: string, name: string, format: 'jpeg' | 'png' | 'webp' | 'tiff') => reencode(source, join(tempDir(), name), format);

const makerNote = (tags: Record<string, unknown>) => Buffer.from((tags as { makerNote: Uint8Array }).makerNote);

describe('EXIF in JPEG, PNG and WebP results', () => {
  it('keeps IFD0 tags libexif drops (Rating) and a MakerNote of a layout nothing here knows, byte for byte', async () => {
    const note = Buffer.from('AOC\0MM opaque Pentax-style maker data, 9 KB in a real camera', 'latin1');
    const source = await jpegWith('pentax.jpg', {
      ifd0: [
        [0x010f, { type: 'ascii', text: 'PENTAX' }],
        [0x4746, { type: 'short', values: [4] }],
      ],
      exif: [
        [0x8827, { type: 'short', values: [400] }],
        [0x927c, { type: 'undefined', bytes: note }],
      ],
    });
    for (const [name, format] of [['pentax-out.jpg', 'jpeg'], ['pentax-out.png', 'png'], ['pentax-out.webp', 'webp']] as const) {
      // exifr reads no WebP: the EXIF block as sharp finds it (a WebP's has no "Exif\0\0" prefix).
      const { exif } = await sharp(await saveAs(source, name, format)).metadata();
      const tags = await exifr.parse(exif!.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif!.subarray(6) : exif!, { makerNote: true, reviveValues: false });
      expect(tags).toMatchObject({ Make: 'PENTAX', Rating: 4, ISO: 400 });
      expect(makerNote(tags).equals(note)).toBe(true);
    }
  });

  it('a Sony note, whose offsets count from the block’s start, still points at its values, from a TIFF source too', async () => {
    const text = 'DSC-T10 creative style';
    const prefix = 'SONY DSC \0\0\0';
    const source = await jpegWith('sony.jpg', {
      ifd0: [[0x010f, { type: 'ascii', text: 'SONY' }]],
      exif: [[0x927c, { type: 'undefined', ...offsetMakerNote(true, text, prefix) }]],
    });
    // JPEG → TIFF (the note moves and is fixed) → JPEG (its bytes go in as they are).
    const jpeg = await saveAs(await saveAs(source, 'sony.tif', 'tiff'), 'sony-again.jpg', 'jpeg');
    const file = await readFile(jpeg);
    const tiffHeaderAt = file.indexOf('Exif\0\0', 0, 'latin1') + 6;
    const valueAt = makerNote(await exifr.parse(jpeg, { makerNote: true })).readUInt32LE(prefix.length + 10);
    expect(file.toString('latin1', tiffHeaderAt + valueAt, tiffHeaderAt + valueAt + text.length)).toBe(text);
  });
});
