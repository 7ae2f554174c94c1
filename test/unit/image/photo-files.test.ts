import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { findResult, planBatch, resultFoldersOf } from '../../../model/src/image/batch-results.js';
import { countSubfolders, photoFilesIn } from '../../../model/src/image/photo-files.js';
import { plainOutputPath } from '../../../model/src/image/output-path.js';
import { sourceFingerprint, xmpWithSource } from '../../../model/src/image/provenance.js';
import { useTempDir } from '../../fixtures/make-images.js';

/** Which files a batch takes from what was dropped, and where their results go. */
const tempDir = useTempDir('unshake-photo-files-');
const names = (files: string[]) => files.map((f) => path.relative(tempDir(), f));

/** A folder with `subfolders`, where `photo` writes a small PNG and `result` one as the encoder would for photo `of` (its fingerprint in its XMP). */
async function resultsFolder(name: string, subfolders: readonly string[]) {
  const dir = path.join(tempDir(), name);
  for (const sub of subfolders) await mkdir(path.join(dir, sub), { recursive: true });
  const square = (colour: string) => sharp({ create: { width: 8, height: 8, channels: 3, background: colour } });
  return {
    dir,
    photo: (file: string, colour: string) => square(colour).png().toFile(path.join(dir, file)),
    result: async (of: string, file: string) =>
      square('#000')
        .withXmp(xmpWithSource(null, await sourceFingerprint(path.join(dir, of))))
        .png()
        .toFile(path.join(dir, file)),
  };
}

/** A real (tiny) image: a result that says nothing of its photo, in the format its name says. */
const tinyImage = (file: string) => sharp({ create: { width: 4, height: 4, channels: 3, background: '#777' } }).toFile(file);

describe('photos of a batch', () => {
  it('takes photos in number order, links to photos, a photographer’s own “-unshaken” names; never our results or hidden files', async () => {
    const card = path.join(tempDir(), 'card');
    await mkdir(card);
    for (const name of ['IMG_10.jpg', 'IMG_2.jpg', 'IMG_2-unshaken.jpg', 'IMG_2-unshaken-2.png', 'x-unshaken.jpg', 'trip-unshaken-2019.jpg', '.hidden.jpg', 'notes.txt']) {
      await writeFile(path.join(card, name), 'x');
    }
    // A link to a photo elsewhere is a photo (one to a photo of this folder is that photo: see below).
    await mkdir(path.join(tempDir(), 'elsewhere'));
    await writeFile(path.join(tempDir(), 'elsewhere', 'IMG_7.jpg'), 'x');
    await symlink(path.join(tempDir(), 'elsewhere', 'IMG_7.jpg'), path.join(card, 'link.jpg'));
    await mkdir(path.join(card, 'sub.jpg'));
    expect(names(await photoFilesIn([card]))).toEqual([
      'card/IMG_2.jpg',
      'card/IMG_10.jpg',
      'card/link.jpg',
      'card/trip-unshaken-2019.jpg',
      'card/x-unshaken.jpg',
    ]);
    // A folder and one of its photos together: that photo once. A result selected by hand with
    // its photo (select all): left out.
    expect(names(await photoFilesIn([card, path.join(card, 'IMG_2.jpg'), path.join(card, 'IMG_2-unshaken.jpg')]))).toHaveLength(5);
    expect(names(await photoFilesIn([path.join(card, 'IMG_2.jpg'), path.join(card, 'IMG_2-unshaken.jpg')]))).toEqual(['card/IMG_2.jpg']);
  });

  it('takes a photo reached twice through symbolic links once, under the name first seen, and says so', async () => {
    const [reception, ceremony] = [path.join(tempDir(), 'reception'), path.join(tempDir(), 'ceremony')];
    await mkdir(reception);
    await mkdir(ceremony);
    for (const name of ['IMG_1.jpg', 'IMG_2.jpg']) await writeFile(path.join(reception, name), 'x');
    await writeFile(path.join(ceremony, 'IMG_9.jpg'), 'x');
    await symlink('../reception', path.join(ceremony, 'linkdir'));
    await symlink('IMG_1.jpg', path.join(reception, 'link-to-file.jpg'));
    // A link that loops has no real path: it is kept (it fails alone when deblurred), and the scan ends.
    await symlink('self.jpg', path.join(ceremony, 'self.jpg'));
    const notes: string[] = [];
    const photos = await photoFilesIn([reception, ceremony, path.join(ceremony, 'linkdir'), path.join(reception, 'IMG_2.jpg'), path.join(ceremony, 'self.jpg'), path.join(ceremony, 'self.jpg')], {
      onLeftOut: (note) => notes.push(note),
    });
    expect(names(photos)).toEqual(['reception/IMG_1.jpg', 'reception/IMG_2.jpg', 'ceremony/IMG_9.jpg', 'ceremony/self.jpg']);
    expect(notes).toEqual([
      `2 photos were reached more than once, through symbolic links (${path.join(reception, 'link-to-file.jpg')} is ${path.join(reception, 'IMG_1.jpg')}): each is deblurred once.`,
    ]);
    // A folder and a link to it hold the same subfolders.
    await mkdir(path.join(reception, 'day1'));
    await writeFile(path.join(reception, 'day1', 'a.jpg'), 'x');
    expect(await countSubfolders([reception, path.join(ceremony, 'linkdir')])).toBe(1);
    expect(await countSubfolders([reception, path.join(ceremony, 'linkdir', 'day1')])).toBe(0);
  });

  it('leaves out an earlier result whose photo was culled (it carries Unshake’s fingerprint), and says so; a photographer’s own “-unshaken” file stays a photo', async () => {
    const { dir, photo, result } = await resultsFolder('culled', ['Unshaken', 'only']);
    for (const [name, colour] of [['IMG_1.png', '#f00'], ['IMG_2.png', '#0f0'], ['IMG_3.png', '#00f'], ['own-unshaken.png', '#ff0']] as const) await photo(name, colour);
    await result('IMG_1.png', 'IMG_1-unshaken.png');
    await result('IMG_2.png', 'IMG_2-unshaken.png');
    await result('IMG_3.png', 'IMG_3-unshaken-2.png');
    await result('IMG_3.png', 'Unshaken/IMG_3-unshaken.png');
    await result('IMG_3.png', 'only/IMG_3-unshaken.png');
    // Named as a result, but no image: it says nothing, so it is a photo (and fails alone).
    await writeFile(path.join(dir, 'IMG_4-unshaken.jpg'), 'x');
    // The photographer culls IMG_2 and IMG_3.
    await rm(path.join(dir, 'IMG_2.png'));
    await rm(path.join(dir, 'IMG_3.png'));
    const notes: string[] = [];
    const photos = await photoFilesIn([dir, path.join(dir, 'Unshaken'), path.join(dir, 'only')], { onLeftOut: (note) => notes.push(note) });
    expect(names(photos)).toEqual(['culled/IMG_1.png', 'culled/IMG_4-unshaken.jpg', 'culled/own-unshaken.png']);
    expect(notes).toEqual([
      '2 earlier results of Unshake are left out, their photos gone: IMG_2-unshaken.png, IMG_3-unshaken-2.png (give a file by itself to deblur it again).',
      // The results subfolder too: its photos are the ones in the folder above.
      `${path.join(dir, 'Unshaken')} holds no photos, only 1 earlier result of Unshake whose photo is gone: a result is not deblurred again (give a file by itself to do so).`,
      `${path.join(dir, 'only')} holds no photos, only 1 earlier result of Unshake whose photo is gone: a result is not deblurred again (give a file by itself to do so).`,
    ]);
    // Given by itself it is deblurred: that is deliberate.
    expect(names(await photoFilesIn([path.join(dir, 'IMG_2-unshaken.png')]))).toEqual(['culled/IMG_2-unshaken.png']);
    await expect(photoFilesIn([path.join(dir, 'only')])).rejects.toThrow(/holds no photos, only 1 earlier result of Unshake/);
  });

  it('knows a long-named photo’s result, whose name was shortened to fit 255 bytes, as that photo’s; culled, it is left out as any', async () => {
    const { dir, photo, result } = await resultsFolder('long', []);
    await mkdir(dir);
    // 248 bytes; 'a' + 123 × 'é' (2 bytes each): cut between whole characters, 254 bytes in all.
    const [ascii, accented, culled] = [`L${'x'.repeat(243)}`, `a${'é'.repeat(123)}`, `C${'x'.repeat(243)}`];
    for (const stem of [ascii, accented, culled]) await photo(`${stem}.png`, '#123');
    const outputs = planBatch([ascii, accented, culled].map((stem) => path.join(dir, `${stem}.png`)));
    for (const { input, output } of outputs) await result(path.basename(input), path.basename(output));
    // A numbered one is cut further (its counter takes room too).
    await result(`${ascii}.png`, path.basename(plainOutputPath(path.join(dir, `${ascii}.png`), { counter: 2 })));
    await rm(path.join(dir, `${culled}.png`));
    const notes: string[] = [];
    const photos = await photoFilesIn([dir], { onLeftOut: (note) => notes.push(note) });
    expect(names(photos)).toEqual([`long/${accented}.png`, `long/${ascii}.png`]);
    expect(notes).toEqual([`${path.basename(outputs[2]!.output)} is left out: it is an earlier result of Unshake whose photo is gone (give that file by itself to deblur it again).`]);
    // Selected by hand with its photo: left out as a result of it.
    expect(names(await photoFilesIn([path.join(dir, `${ascii}.png`), outputs[0]!.output]))).toEqual([`long/${ascii}.png`]);
  });

  it('knows the results of the settings’ own suffix as well as the default one', async () => {
    const card = path.join(tempDir(), 'suffixed');
    await mkdir(card);
    for (const name of ['a.jpg', 'a-sharp.jpg', 'b.jpg', 'b-unshaken.png', 'c-sharp.jpg']) await writeFile(path.join(card, name), 'x');
    // c-sharp.jpg has no c beside it: a photographer's own name.
    expect(names(await photoFilesIn([card], { suffix: '-sharp' }))).toEqual(['suffixed/a.jpg', 'suffixed/b.jpg', 'suffixed/c-sharp.jpg']);
    expect(names(await photoFilesIn([card]))).toEqual(['suffixed/a-sharp.jpg', 'suffixed/a.jpg', 'suffixed/b.jpg', 'suffixed/c-sharp.jpg']);
    expect(planBatch([path.join(card, 'a.jpg')], { suffix: '-sharp' }).map((i) => i.output)).toEqual([path.join(card, 'a-sharp.jpg')]);
  });

  it('knows results named with an ending set earlier (they carry Unshake’s fingerprint) beside their photos, in the folder and its results subfolder', async () => {
    const { dir, photo, result } = await resultsFolder('earlier-ending', ['Unshaken']);
    for (const [name, colour] of [['a.png', '#f00'], ['b.png', '#0f0']] as const) await photo(name, colour);
    await result('a.png', 'a-sharp.png');
    await result('a.png', 'a-sharp-crisp.png');
    await result('b.png', 'Unshaken/b-final.png');
    // The photographer's own a-print.png (no fingerprint) and a result of a photo not beside it stay photos.
    await photo('a-print.png', '#00f');
    await result('b.png', 'c-sharp.png');
    // A number alone is never an ending (it is how files are numbered: DSC_10 after DSC_1), so its header is not read.
    await result('b.png', 'b-2.png');
    expect(names(await photoFilesIn([dir]))).toEqual(['earlier-ending/a-print.png', 'earlier-ending/a.png', 'earlier-ending/b-2.png', 'earlier-ending/b.png', 'earlier-ending/c-sharp.png']);
    await expect(photoFilesIn([path.join(dir, 'Unshaken')])).rejects.toThrow(/holds no photos/);
    // Given by itself it is deblurred: that is deliberate.
    expect(names(await photoFilesIn([path.join(dir, 'a-sharp.png')]))).toEqual(['earlier-ending/a-sharp.png']);
  });

  it('a folder whose photos are all in subfolders (a card’s DCIM) names those to drop instead', async () => {
    const dcim = path.join(tempDir(), 'DCIM');
    for (const sub of ['100CANON', '101CANON', 'MISC', '.thumbs']) await mkdir(path.join(dcim, sub), { recursive: true });
    for (const name of ['100CANON/IMG_1.JPG', '101CANON/IMG_2.JPG', 'MISC/info.txt', '.thumbs/t.jpg']) await writeFile(path.join(dcim, name), 'x');
    await expect(photoFilesIn([dcim])).rejects.toThrow(`${dcim} holds no photos itself, only in subfolders (100CANON, 101CANON), and subfolders are not included: drop those folders instead.`);
    const empty = path.join(tempDir(), 'empty');
    await mkdir(path.join(empty, 'notes'), { recursive: true });
    await expect(photoFilesIn([empty])).rejects.toThrow(`${empty} holds no photos (JPEG, PNG, TIFF, WebP, HEIF/AVIF or GIF files).`);
  });

  it('a folder without photos among others is left out and said, not the end of the batch; alone it is an error', async () => {
    const [full, empty] = [path.join(tempDir(), 'full'), path.join(tempDir(), 'nothing-here')];
    await mkdir(full);
    await mkdir(empty);
    for (const name of ['a.jpg', 'a-unshaken.jpg']) await writeFile(path.join(full, name), 'x');
    const notes: string[] = [];
    const photos = await photoFilesIn([full, empty, path.join(full, 'a-unshaken.jpg')], { onLeftOut: (note) => notes.push(note) });
    expect(names(photos)).toEqual(['full/a.jpg']);
    expect(notes).toEqual(['a-unshaken.jpg is left out: it is a result of a photo beside it.', `${empty} holds no photos (JPEG, PNG, TIFF, WebP, HEIF/AVIF or GIF files).`]);
    await expect(photoFilesIn([empty])).rejects.toThrow(/holds no photos/);
  });

  it('counts the subfolders a batch leaves out that hold photos: not empty ones, hidden ones, the results folder, or one dropped too', async () => {
    const trip = path.join(tempDir(), 'trip');
    for (const sub of ['day1', 'day2', 'empty', '.cache', 'Unshaken']) await mkdir(path.join(trip, sub), { recursive: true });
    for (const name of ['day1/a.jpg', 'day2/b.jpg', '.cache/c.jpg', 'Unshaken/a-unshaken.jpg', 'empty/notes.txt']) await writeFile(path.join(trip, name), 'x');
    expect(await countSubfolders([trip], ['Unshaken'])).toBe(2);
    expect(await countSubfolders([trip, path.join(trip, 'day1')], ['Unshaken'])).toBe(1);
  });

  it('numbers results that would share a name, the same way on every run', () => {
    const plan = planBatch(['/p/a.gif', '/p/a.png', '/q/a.png'], { folder: '/out' });
    expect(plan.map((i) => i.output)).toEqual(['/out/a-unshaken.png', '/out/a-unshaken-2.png', '/out/a-unshaken-3.png']);
    expect(planBatch(['/p/a.gif', '/p/a.png', '/q/a.png'], { folder: '/out' })).toEqual(plan);
  });

  it('puts each result in a subfolder beside its own photo when asked, numbering clashes there too', () => {
    const plan = planBatch(['/p/a.gif', '/p/a.png', '/q/a.png'], { subfolder: 'Unshaken', format: 'jpeg' });
    expect(plan.map((i) => i.output)).toEqual(['/p/Unshaken/a-unshaken.jpg', '/p/Unshaken/a-unshaken-2.jpg', '/q/Unshaken/a-unshaken.jpg']);
  });

  it('never takes the results in a subfolder beside their photos (Unshaken/) for photos, however that folder is given', async () => {
    const card = path.join(tempDir(), 'with-results');
    await mkdir(path.join(card, 'Unshaken'), { recursive: true });
    for (const name of ['a.jpg', 'b.jpg', 'Unshaken/a-unshaken.jpg', 'Unshaken/b-unshaken.png', 'Unshaken/c.jpg']) await writeFile(path.join(card, name), 'x');
    // Select all in a file manager, the results folder with the photos.
    expect(names(await photoFilesIn([path.join(card, 'a.jpg'), path.join(card, 'b.jpg'), path.join(card, 'Unshaken')]))).toEqual([
      'with-results/a.jpg',
      'with-results/b.jpg',
      'with-results/Unshaken/c.jpg',
    ]);
    expect(names(await photoFilesIn([path.join(card, 'Unshaken', 'a-unshaken.jpg')]))).toEqual([]);
  });

  it('finds a result where the other “Batch results” choice put it, in any writable format', async () => {
    const card = path.join(tempDir(), 'moved');
    await mkdir(path.join(card, 'Unshaken'), { recursive: true });
    await tinyImage(path.join(card, 'a-unshaken.png'));
    await tinyImage(path.join(card, 'Unshaken', 'b-unshaken.jpg'));
    const [a] = planBatch([path.join(card, 'a.jpg')], { subfolder: 'Unshaken' });
    expect(await findResult(a!)).toEqual({ output: a!.output });
    expect(await findResult(a!, { otherFolders: resultFoldersOf(a!.input, 'Unshaken') })).toEqual({ done: path.join(card, 'a-unshaken.png') });
    const [b] = planBatch([path.join(card, 'b.jpg')]);
    expect(await findResult(b!, { otherFolders: resultFoldersOf(b!.input, 'Unshaken') })).toEqual({ done: path.join(card, 'Unshaken', 'b-unshaken.jpg') });
  });

  it('another folder is only its own: a photographer’s “x-unshaken.jpg” in Trip/ stays a photo, whatever lies above', async () => {
    const p = path.join(tempDir(), 'P');
    await mkdir(path.join(p, 'Trip'), { recursive: true });
    await mkdir(path.join(p, 'scan.tif'));
    for (const name of ['x.jpg', 'Trip/x-unshaken.jpg', 'Trip/scan-unshaken.jpg']) await writeFile(path.join(p, name), 'x');
    expect(names(await photoFilesIn([path.join(p, 'Trip')]))).toEqual(['P/Trip/scan-unshaken.jpg', 'P/Trip/x-unshaken.jpg']);
  });

  it('never hands a photo a result another photo is planned to write, nor takes it for its own', async () => {
    expect(planBatch(['/p/a.png'], { taken: ['/p/a-unshaken.png'] }).map((i) => i.output)).toEqual(['/p/a-unshaken-2.png']);
    const card = path.join(tempDir(), 'twins');
    await mkdir(card);
    await tinyImage(path.join(card, 'a-unshaken.jpg'));
    const plan = planBatch([path.join(card, 'a.jpg'), path.join(card, 'a.png')]);
    const planned = new Set(plan.map((i) => i.output));
    expect(await findResult(plan[0]!, { othersPlanned: planned })).toEqual({ done: path.join(card, 'a-unshaken.jpg') });
    // a.png's result would be a-unshaken.png; a-unshaken.jpg is a.jpg's.
    expect(await findResult(plan[1]!, { othersPlanned: planned })).toEqual({ output: plan[1]!.output });
  });

  it('tells its own results from another photo’s of the same name by the source each result names', async () => {
    const { dir, photo, result } = await resultsFolder('cards', ['100', '101', 'out', 'same']);
    await photo('100/x.png', '#f00');
    await photo('101/x.png', '#0f0');
    // 101/x.png's result is in out/ under the name 100/x.png's would have.
    await result('101/x.png', 'out/x-unshaken.png');
    const [from100] = planBatch([path.join(dir, '100/x.png')], { folder: path.join(dir, 'out') });
    const [from101] = planBatch([path.join(dir, '101/x.png')], { folder: path.join(dir, 'out') });
    expect(await findResult(from101!)).toEqual({ done: path.join(dir, 'out/x-unshaken.png') });
    expect(await findResult(from100!)).toEqual({ output: path.join(dir, 'out/x-unshaken-2.png') });
    await result('100/x.png', 'out/x-unshaken-2.png');
    expect(await findResult(from100!)).toEqual({ done: path.join(dir, 'out/x-unshaken-2.png') });
    // a.png's result is not a.jpg's in another format.
    await photo('same/a.png', '#00f');
    await sharp(path.join(dir, 'same/a.png')).jpeg().toFile(path.join(dir, 'same/a.jpg'));
    await result('same/a.png', 'same/a-unshaken.png');
    const [jpg] = planBatch([path.join(dir, 'same/a.jpg')]);
    expect(await findResult(jpg!)).toEqual({ output: path.join(dir, 'same/a-unshaken.jpg') });
  });

  it('searches a photo’s numbered results from the plain name on, and numbers from it, whatever planBatch numbered', async () => {
    const { dir, photo, result } = await resultsFolder('numbered', ['X', 'Y', 'out', 'gif']);
    // Card Y run alone first; then X and Y together: Y is planned as -2, yet found done under the plain name.
    await photo('X/IMG_1.png', '#f00');
    await photo('Y/IMG_1.png', '#0f0');
    await result('Y/IMG_1.png', 'out/IMG_1-unshaken.png');
    const [x, y] = planBatch([path.join(dir, 'X/IMG_1.png'), path.join(dir, 'Y/IMG_1.png')], { folder: path.join(dir, 'out') });
    const planned = new Set([x!.output, y!.output]);
    expect(y!.output).toBe(path.join(dir, 'out/IMG_1-unshaken-2.png'));
    expect(await findResult(y!, { othersPlanned: planned })).toEqual({ done: path.join(dir, 'out/IMG_1-unshaken.png') });
    // X: the plain name is Y's, -2 is planned for Y: -3, a name a later run finds again.
    expect(await findResult(x!, { othersPlanned: planned })).toEqual({ output: path.join(dir, 'out/IMG_1-unshaken-3.png') });
    await result('X/IMG_1.png', 'out/IMG_1-unshaken-3.png');
    expect(await findResult(x!, { othersPlanned: planned })).toEqual({ done: path.join(dir, 'out/IMG_1-unshaken-3.png') });
    // a.gif saved twice (-unshaken, -unshaken-2); a.png, planned as -2, goes to -3, never "-2-2".
    await photo('gif/a.png', '#00f');
    await sharp(path.join(dir, 'gif/a.png')).gif().toFile(path.join(dir, 'gif/a.gif'));
    await result('gif/a.gif', 'gif/a-unshaken.png');
    await result('gif/a.gif', 'gif/a-unshaken-2.png');
    const [gif, png] = planBatch([path.join(dir, 'gif/a.gif'), path.join(dir, 'gif/a.png')]);
    const both = new Set([gif!.output, png!.output]);
    expect(await findResult(gif!, { othersPlanned: both })).toEqual({ done: path.join(dir, 'gif/a-unshaken.png') });
    expect(await findResult(png!, { othersPlanned: both })).toEqual({ output: path.join(dir, 'gif/a-unshaken-3.png') });
  });

  it('finds a photo’s numbered result when the names before it are gone (the other photo failed, or its result was deleted to redo it)', async () => {
    const { dir, photo, result } = await resultsFolder('gap', ['a', 'b', 'out']);
    await photo('a/IMG.png', '#f00');
    await photo('b/IMG.png', '#0f0');
    await result('b/IMG.png', 'out/IMG-unshaken-2.png');
    // b run alone now: planned under the plain name, which is free, yet done as -2.
    const [b] = planBatch([path.join(dir, 'b/IMG.png')], { folder: path.join(dir, 'out') });
    expect(await findResult(b!)).toEqual({ done: path.join(dir, 'out/IMG-unshaken-2.png') });
    // Two gaps: -4 is a's, found past the free plain name, -2 and -3.
    await rm(path.join(dir, 'out/IMG-unshaken-2.png'));
    await result('a/IMG.png', 'out/IMG-unshaken-4.png');
    const [a] = planBatch([path.join(dir, 'a/IMG.png')], { folder: path.join(dir, 'out') });
    expect(await findResult(a!)).toEqual({ done: path.join(dir, 'out/IMG-unshaken-4.png') });
    expect(await findResult(b!)).toEqual({ output: path.join(dir, 'out/IMG-unshaken.png') });
  });
});
