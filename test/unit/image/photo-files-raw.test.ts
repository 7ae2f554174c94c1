import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photoFilesIn } from '../../../model/src/image/photo-files.js';
import { useTempDir } from '../../fixtures/make-images.js';
import { makeRawLookalike } from '../../fixtures/raw-files.js';

/** A card of raw + JPEG pairs (a camera set to RAW+JPEG): the JPEGs are the batch, the raws are said to be left out. */
const tempDir = useTempDir('unshake-photo-files-raw-');

async function card(name: string, files: { raw?: string[]; jpeg?: string[] }): Promise<string> {
  const dir = path.join(tempDir(), name);
  await mkdir(dir);
  for (const raw of files.raw ?? []) await makeRawLookalike(dir, raw, 'nef');
  for (const jpeg of files.jpeg ?? []) await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } }).jpeg().toFile(path.join(dir, jpeg));
  return dir;
}

describe('raw files in a batch', () => {
  it('a folder with a.NEF and a.JPG takes a.JPG only, and says why the raw was left out', async () => {
    const dir = await card('pairs', { raw: ['a.NEF'], jpeg: ['a.JPG'] });
    const notes: string[] = [];
    expect(await photoFilesIn([dir], { onLeftOut: (note) => notes.push(note) })).toEqual([path.join(dir, 'a.JPG')]);
    expect(notes).toEqual(['1 raw file is left out (a.NEF): Unshake does not develop raw files. Export 16-bit TIFFs from your raw developer to deblur them.']);
  });

  it('raws selected by hand with their JPEGs are left out with one note', async () => {
    const dir = await card('selected', { raw: ['b.NEF', 'c.NEF'], jpeg: ['b.JPG', 'c.JPG'] });
    const notes: string[] = [];
    const given = ['b.NEF', 'b.JPG', 'c.NEF', 'c.JPG'].map((name) => path.join(dir, name));
    expect(await photoFilesIn(given, { onLeftOut: (note) => notes.push(note) })).toEqual([path.join(dir, 'b.JPG'), path.join(dir, 'c.JPG')]);
    expect(notes).toEqual(['2 raw files are left out (b.NEF, c.NEF): Unshake does not develop raw files. Export 16-bit TIFFs from your raw developer to deblur them.']);
  });

  it('nothing but raws is refused with UNSUPPORTED_FORMAT and the raw-file words', async () => {
    const dir = await card('raw-only', { raw: ['DSC_0001.NEF', 'DSC_0002.NEF'] });
    await expect(photoFilesIn([path.join(dir, 'DSC_0001.NEF')])).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      message: 'DSC_0001.NEF is a raw file; Unshake does not develop raw files. Export a 16-bit TIFF from your raw developer and open that.',
    });
    await expect(photoFilesIn([dir])).rejects.toMatchObject({
      code: 'UNSUPPORTED_FORMAT',
      message: `${dir} holds only raw files (DSC_0001.NEF, DSC_0002.NEF): Unshake does not develop raw files. Export 16-bit TIFFs from your raw developer to deblur them.`,
    });
    // Beside a folder with photos, the raw-only folder is a note and the batch goes on.
    const other = await card('jpegs', { jpeg: ['d.JPG'] });
    const notes: string[] = [];
    expect(await photoFilesIn([dir, other], { onLeftOut: (note) => notes.push(note) })).toEqual([path.join(other, 'd.JPG')]);
    expect(notes).toEqual([`${dir} holds only raw files (DSC_0001.NEF, DSC_0002.NEF): Unshake does not develop raw files. Export 16-bit TIFFs from your raw developer to deblur them.`]);
  });
});
