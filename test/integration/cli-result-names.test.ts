import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultOutputPath } from '../../model/src/image/output-path.js';
import { runCli, sharedData } from './cli-run.js';

/**
 * The CLI names a result as the app's Save does: a camera's IMG_0001.JPG written as JPEG gives
 * IMG_0001-unshaken.JPG, one photo or a folder; a result an older version wrote under the
 * lowercase extension (IMG_0002-unshaken.jpg) is still this photo's, so a rerun leaves it be.
 */
let dir = '';
const deblur = (...args: string[]) => runCli(['deblur', ...args, '--model', 'placeholder', '--cpu']);
const lastLine = (stdout: string) => stdout.trim().split('\n').at(-1);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-result-names-'));
  const photo = (name: string) => sharp(sharedData('photos-extra', 'Kodak24', name)).resize(96);
  await mkdir(path.join(dir, 'one'));
  await mkdir(path.join(dir, 'card'));
  await photo('kodim04.png').jpeg().toFile(path.join(dir, 'one', 'IMG_0001.JPG'));
  await photo('kodim05.png').jpeg().toFile(path.join(dir, 'card', 'IMG_0001.JPG'));
  await photo('kodim06.png').jpeg().toFile(path.join(dir, 'card', 'IMG_0002.JPG'));
  await photo('kodim07.png').tiff().toFile(path.join(dir, 'card', 'S.TIFF'));
  await mkdir(path.join(dir, 'suffix'));
  await photo('kodim08.png').jpeg().toFile(path.join(dir, 'suffix', 'A.JPG'));
  await photo('kodim09.png').png().toFile(path.join(dir, 'suffix', 'B.png'));
  await mkdir(path.join(dir, 'mis'));
  await photo('kodim10.png').png().toFile(path.join(dir, 'mis', 'x.jpg'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the CLI’s result names', () => {
  it('keep the photo’s own spelling of its type, for one photo and for a batch', async () => {
    const one = await deblur(path.join(dir, 'one', 'IMG_0001.JPG'), '--format', 'jpeg');
    expect(one.code, one.stderr).toBe(0);
    expect((await readdir(path.join(dir, 'one'))).sort()).toEqual(['IMG_0001-unshaken.JPG', 'IMG_0001.JPG']);

    // IMG_0002's result as a version before this one named it, written with --out.
    const older = await deblur(path.join(dir, 'card', 'IMG_0002.JPG'), '--out', path.join(dir, 'card', 'IMG_0002-unshaken.jpg'));
    expect(older.code, older.stderr).toBe(0);
    const batch = await deblur(path.join(dir, 'card'), '--format', 'jpeg');
    expect(batch.code, batch.stderr).toBe(0);
    expect(lastLine(batch.stdout)).toBe('batch: 2 done, 0 failed, 1 already done (of 3)');
    expect((await readdir(path.join(dir, 'card'))).sort()).toEqual([
      'IMG_0001-unshaken.JPG',
      'IMG_0001.JPG',
      'IMG_0002-unshaken.jpg',
      'IMG_0002.JPG',
      'S-unshaken.jpg',
      'S.TIFF',
    ]);

    // Run again in the photos' own type: nothing is redone, whatever spelling the results have.
    const again = await deblur(path.join(dir, 'card'), '--format', 'tiff');
    expect(again.code, again.stderr).toBe(0);
    expect(lastLine(again.stdout)).toBe('batch: 0 done, 0 failed, 3 already done (of 3)');
  }, 120_000);

  it('follow --suffix as Save and a batch follow the settings\' outputSuffix: named so, and found done', async () => {
    const folder = path.join(dir, 'suffix');
    // The name the app's Save gives it with that suffix (services/save.ts: defaultOutputPath).
    const saved = defaultOutputPath(path.join(folder, 'A.JPG'), '-fixed');
    expect(saved).toBe(path.join(folder, 'A-fixed.JPG'));
    // A dash first, as the default "-unshaken" has: a value, not an option.
    const one = await deblur(path.join(folder, 'A.JPG'), '--suffix', '-fixed');
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`wrote ${saved} `);

    // A-fixed.JPG is A's result, not a photo of the folder: A is done, B is not.
    const batch = await deblur(folder, '--suffix', '-fixed');
    expect(batch.code, batch.stderr).toBe(0);
    expect(batch.stderr).toContain('batch: 2 photo(s)');
    expect(batch.stdout).toContain(`already done (${path.join(folder, 'A-fixed.JPG')})`);
    expect(lastLine(batch.stdout)).toBe('batch: 1 done, 0 failed, 1 already done (of 2)');
    const again = await deblur(folder, '--suffix=-fixed');
    expect(lastLine(again.stdout)).toBe('batch: 0 done, 0 failed, 2 already done (of 2)');
    expect((await readdir(folder)).sort()).toEqual(['A-fixed.JPG', 'A.JPG', 'B-fixed.png', 'B.png']);

    // The settings' own rule and words (settings-schema.ts), before any work.
    const bad = await deblur(path.join(folder, 'A.JPG'), '--suffix', 'a/b');
    expect([bad.code, bad.stderr.trim()]).toEqual([
      1,
      'error [INVALID_REQUEST]: --suffix "a/b" must be a valid file-name part: give what a result\'s name adds to its photo\'s, e.g. --suffix -sharp (default: -unshaken).',
    ]);
    expect((await readdir(folder)).sort()).toEqual(['A-fixed.JPG', 'A.JPG', 'B-fixed.png', 'B.png']);
  }, 120_000);

  it('"Same" follows what the photo is, not its name, as Save does: a PNG named x.jpg gives a lossless x-unshaken.png', async () => {
    const folder = path.join(dir, 'mis');
    const one = await deblur(path.join(folder, 'x.jpg'));
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`wrote ${path.join(folder, 'x-unshaken.png')} `);
    expect((await readdir(folder)).sort()).toEqual(['x-unshaken.png', 'x.jpg']);
    expect((await sharp(path.join(folder, 'x-unshaken.png')).metadata()).format).toBe('png');
  }, 60_000);

  it('a result given by itself is deblurred again, as asked, with a note naming its photo (on stderr and in --json)', async () => {
    const folder = path.join(dir, 'again');
    await mkdir(folder);
    const photo = sharp(sharedData('photos-extra', 'Kodak24', 'kodim11.png')).resize(96);
    await photo.clone().jpeg().toFile(path.join(folder, 'x.jpg'));
    await photo.clone().jpeg().toFile(path.join(folder, 'x-unshaken.jpg'));
    // A photographer's own "-unshaken" name, with no photo of its stem beside it: a photo, no note.
    await photo.clone().jpeg().toFile(path.join(folder, 'y-unshaken.jpg'));
    const again = await deblur(path.join(folder, 'x-unshaken.jpg'), '--json');
    expect(again.code, again.stderr).toBe(0);
    const note = 'x-unshaken.jpg is a result of x.jpg beside it; deblurring it again.';
    expect(again.stderr.split('\n')).toContain(`note: ${note}`);
    const [record] = JSON.parse(again.stdout).photos;
    expect(record).toMatchObject({ status: 'done', output: path.join(folder, 'x-unshaken-unshaken.jpg') });
    expect(record.notes).toContain(note);
    const own = await deblur(path.join(folder, 'y-unshaken.jpg'));
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).not.toMatch(/result of/);
  }, 60_000);
});
