import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitSharpPhotos, validateSharpFolder } from '../../../model/src/train/synth/sharp-folder.js';
import { sharedData } from './helpers.js';

let dir: string;
let photo: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-sharp-folder-'));
  photo = path.join(sharedData('photos-extra/CBSD68'), '101085.jpg'); // 321×481
  await copyFile(photo, path.join(dir, 'a-good.jpg'));
  await copyFile(photo, path.join(dir, 'b-duplicate.jpg'));
  await writeFile(path.join(dir, 'empty.jpg'), new Uint8Array(0));
  await writeFile(path.join(dir, 'truncated.jpg'), (await readFile(path.join(sharedData('photos-extra/CBSD68'), '108005.jpg'))).subarray(0, 20_000));
  await sharp(photo).extract({ left: 0, top: 0, width: 64, height: 64 }).png().toFile(path.join(dir, 'tiny.png'));
  // Stored landscape 481×321 with EXIF orientation 6: upright it is portrait 321×481.
  await sharp(path.join(sharedData('photos-extra/CBSD68'), '12084.jpg')).withMetadata({ orientation: 6 }).jpeg().toFile(path.join(dir, 'rotated.jpg'));
  await writeFile(path.join(dir, 'notes.txt'), 'holiday photos');
  await writeFile(path.join(dir, '.DS_Store'), 'finder');
  await mkdir(path.join(dir, 'sub'));
});

describe('sharp-only photo folders', () => {
  it('keeps readable photos (upright sizes) and rejects each bad file with its reason', async () => {
    const report = await validateSharpFolder(dir, { minSize: 101 });
    expect(report.folder).toBe(dir);
    expect(report.valid.map((p) => [p.name, p.width, p.height])).toEqual([
      ['a-good.jpg', 321, 481],
      ['rotated.jpg', 321, 481],
    ]);
    expect(report.valid[0]!.file).toBe(path.join(dir, 'a-good.jpg'));
    expect(report.rejected.map((r) => [r.name, r.reason])).toEqual([
      ['b-duplicate.jpg', 'duplicate of a-good.jpg'],
      ['empty.jpg', 'empty file (0 bytes)'],
      ['notes.txt', 'not a photo (expected JPEG, PNG, TIFF, WebP or HEIF/AVIF files)'],
      ['tiny.png', 'too small: 64×64, needs at least 101×101 px'],
      ['truncated.jpg', expect.stringMatching(/^damaged or truncated: .*premature end of JPEG/i)],
    ]);
  });

  it('the minimum size follows the crop plus the kernel margin', async () => {
    const report = await validateSharpFolder(dir, { minSize: 400 });
    expect(report.valid).toEqual([]);
    expect(report.rejected.find((r) => r.name === 'a-good.jpg')?.reason).toBe('too small: 321×481, needs at least 400×400 px');
  });

  it('holds out at least one photo, about 20 %, the same ones for a seed; refuses zero photos', async () => {
    const valid = Array.from({ length: 10 }, (_, i) => ({ name: `p${i}.jpg`, file: `/x/p${i}.jpg`, width: 500, height: 500 }));
    const split = splitSharpPhotos(valid, 0.2, 3);
    expect([split.train.length, split.validation.length, split.note]).toEqual([8, 2, null]);
    expect(splitSharpPhotos(valid, 0.2, 3).validation).toEqual(split.validation);
    expect(new Set([...split.train, ...split.validation].map((p) => p.name)).size).toBe(10);
    expect(splitSharpPhotos(valid.slice(0, 2), 0.2, 3).validation).toHaveLength(1);
    const single = splitSharpPhotos(valid.slice(0, 1));
    expect(single.train).toEqual(single.validation);
    expect(single.note).toMatch(/Only one usable photo/);
    expect(() => splitSharpPhotos([])).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', message: expect.stringMatching(/No usable sharp photos/) }));
  });

  it('explains a missing folder', async () => {
    await expect(validateSharpFolder(path.join(dir, 'nope'), { minSize: 64 })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
