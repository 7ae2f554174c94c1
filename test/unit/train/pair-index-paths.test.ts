import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { validatePairs } from '../../../model/src/train/pairs.js';

/**
 * index.tsv rows name files inside the chosen folder: a row naming a file elsewhere (`..`, an
 * absolute path, a Windows network share) is refused in words and the file is never opened.
 */
let tmp: string;
const photo = (blur: boolean) => {
  const img = sharp({ create: { width: 96, height: 80, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });
  return (blur ? img.blur(1.2) : img).png().toBuffer();
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-index-paths-'));
});

describe('index.tsv rows that name files outside the folder', () => {
  it('are refused with the line and the name, and the outside photos are not paired', async () => {
    const dir = path.join(tmp, 'dataset');
    const outside = path.join(tmp, 'private');
    await mkdir(dir, { recursive: true });
    await mkdir(outside, { recursive: true });
    // Real photos the rows would pair with if they were read: pairs that would be valid.
    const sharpPhoto = await photo(false);
    const blurredPhoto = await photo(true);
    await writeFile(path.join(dir, 'a_sharp.png'), sharpPhoto);
    await writeFile(path.join(outside, 'holiday-soft.png'), blurredPhoto);
    await writeFile(path.join(outside, 'holiday.png'), sharpPhoto);
    // On Linux and macOS this name is a file inside the folder; on Windows it is a network share.
    const share = '\\\\host\\share\\x.png';
    await writeFile(path.join(dir, share), blurredPhoto);
    await writeFile(path.join(dir, 'index.tsv'), [
      'blurred\tsharp',
      `../private/holiday-soft.png\ta_sharp.png`,
      `${path.join(outside, 'holiday-soft.png')}\ta_sharp.png`,
      `${share}\ta_sharp.png`,
      `a_sharp.png\t../private/holiday.png`,
    ].join('\n'));

    const report = await validatePairs(dir);
    expect(report.valid).toEqual([]);
    expect(report.rejected).toEqual([]);
    const index = path.join(dir, 'index.tsv');
    expect(report.unmatched).toEqual([
      { file: index, side: 'blurred', line: 2, reason: 'line 2 names a file outside the folder: ../private/holiday-soft.png; list the photos inside it, by their path from the folder' },
      { file: index, side: 'blurred', line: 3, reason: `line 3 names a file outside the folder: ${path.join(outside, 'holiday-soft.png')}; list the photos inside it, by their path from the folder` },
      { file: index, side: 'blurred', line: 4, reason: `line 4 names a file outside the folder: ${share}; list the photos inside it, by their path from the folder` },
      { file: index, side: 'blurred', line: 5, reason: 'line 5 names a file outside the folder: ../private/holiday.png; list the photos inside it, by their path from the folder' },
    ]);
  });

  it('still reads rows inside the folder, through subfolders and a `..` that stays inside', async () => {
    const dir = path.join(tmp, 'inside');
    await mkdir(path.join(dir, 'blur'), { recursive: true });
    await mkdir(path.join(dir, 'sharp'), { recursive: true });
    const sharpPhoto = await photo(false);
    await writeFile(path.join(dir, 'blur', 'a.png'), await sharp(sharpPhoto).blur(1.2).png().toBuffer());
    await writeFile(path.join(dir, 'sharp', 'a.png'), sharpPhoto);
    await writeFile(path.join(dir, 'index.tsv'), 'blurred\tsharp\nblur/a.png\tblur/../sharp/a.png\n');
    const report = await validatePairs(dir);
    expect(report.unmatched).toEqual([]);
    expect(report.valid.map((p) => [p.name, p.sharp])).toEqual([['blur/a', path.join(dir, 'sharp', 'a.png')]]);
  });
});
