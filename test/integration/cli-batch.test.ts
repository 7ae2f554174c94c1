import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sharedData } from './cli-run.js';

/**
 * A batch from the real CLI: a folder of real photos with one damaged file. Each result is written
 * under its plain name; the damaged photo fails alone; the same command run again (after a crash
 * or Ctrl-C) does only what is left; our own results are never taken for inputs; originals are
 * never touched.
 */
let dir = '';
const inDir = () => path.join(dir, 'shoot');
const outDir = () => path.join(dir, 'fixed');
const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');
const lines = (stdout: string) => stdout.trim().split('\n');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-batch-'));
  await mkdir(inDir());
  for (const name of ['kodim01', 'kodim02', 'kodim03']) {
    await sharp(sharedData('photos-extra', 'Kodak24', `${name}.png`)).resize(240).jpeg({ quality: 90 }).toFile(path.join(inDir(), `${name}.jpg`));
  }
  const whole = await readFile(path.join(inDir(), 'kodim01.jpg'));
  await writeFile(path.join(inDir(), 'damaged.jpg'), whole.subarray(0, whole.length / 3));
  await writeFile(path.join(inDir(), 'notes.txt'), 'not a photo');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('deblur a folder from the CLI', () => {
  it('writes every photo it can, reports the damaged one, and exits 1', async () => {
    const before = await Promise.all(['kodim01.jpg', 'damaged.jpg'].map((f) => sha(path.join(inDir(), f))));
    const r = await runCli(['deblur', inDir(), '--out-dir', outDir(), '--model', 'placeholder']);
    expect(r.code, r.stderr).toBe(1);
    expect(lines(r.stdout).filter((l) => l.startsWith('['))).toEqual([
      expect.stringMatching(/^\[1\/4\] damaged\.jpg: failed \[CORRUPT_IMAGE\] .*truncated or corrupt/),
      expect.stringMatching(/^\[2\/4\] kodim01\.jpg: wrote .*kodim01-unshaken\.jpg/),
      expect.stringMatching(/^\[3\/4\] kodim02\.jpg: wrote /),
      expect.stringMatching(/^\[4\/4\] kodim03\.jpg: wrote /),
    ]);
    expect(lines(r.stdout).at(-1)).toBe('batch: 3 done, 1 failed, 0 already done (of 4)');
    expect((await readdir(outDir())).sort()).toEqual(['kodim01-unshaken.jpg', 'kodim02-unshaken.jpg', 'kodim03-unshaken.jpg']);
    const out = await sharp(path.join(outDir(), 'kodim02-unshaken.jpg')).metadata();
    expect([out.format, out.width]).toEqual(['jpeg', 240]);
    expect(await Promise.all(['kodim01.jpg', 'damaged.jpg'].map((f) => sha(path.join(inDir(), f))))).toEqual(before);
  });

  it('run again, it does only what is left: a result lost or never written', async () => {
    await rm(path.join(outDir(), 'kodim02-unshaken.jpg'));
    const kept = await sha(path.join(outDir(), 'kodim01-unshaken.jpg'));
    const r = await runCli(['deblur', inDir(), '--out-dir', outDir(), '--model', 'placeholder']);
    expect(r.code).toBe(1);
    expect(lines(r.stdout).at(-1)).toBe('batch: 1 done, 1 failed, 2 already done (of 4)');
    expect(r.stdout).toMatch(/\[2\/4\] kodim01\.jpg: already done/);
    expect(r.stdout).toMatch(/\[3\/4\] kodim02\.jpg: wrote /);
    expect(await sha(path.join(outDir(), 'kodim01-unshaken.jpg'))).toBe(kept);
  });

  it('next to the originals, its own results are never read as photos to deblur', async () => {
    const photos = [path.join(inDir(), 'kodim01.jpg'), path.join(inDir(), 'kodim03.jpg')];
    const first = await runCli(['deblur', ...photos, '--model', 'placeholder', '--format', 'png']);
    expect(first.code, first.stderr).toBe(0);
    expect(lines(first.stdout).at(-1)).toBe('batch: 2 done, 0 failed, 0 already done (of 2)');
    const again = await runCli(['deblur', inDir(), '--model', 'placeholder', '--format', 'png']);
    // kodim01/03-unshaken.png are in the folder now, but only the four photos are inputs.
    expect(lines(again.stdout).at(-1)).toBe('batch: 1 done, 1 failed, 2 already done (of 4)');
    expect((await readdir(inDir())).filter((f) => f.includes('-unshaken')).sort()).toEqual([
      'kodim01-unshaken.png',
      'kodim02-unshaken.png',
      'kodim03-unshaken.png',
    ]);
  });

  it('refuses --out for a batch, and a folder with no photos', async () => {
    const withOut = await runCli(['deblur', inDir(), '--out', path.join(dir, 'x.jpg')]);
    expect(withOut.code).toBe(1);
    expect(withOut.stderr).toMatch(/--out and --overwrite name one result; .*--out-dir/);
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const none = await runCli(['deblur', empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/holds no photos/);
  });

  it('an --out-dir that cannot be made is a write failure in words, not an internal error', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    const r = await runCli(['deblur', inDir(), '--out-dir', path.join(file, 'out'), '--model', 'placeholder']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[WRITE_FAILED\]: Could not make the --out-dir folder .*a-file\/out: a file is in the way/m);
  });

  it('--subfolder puts each result in a folder of that name beside its photo; run again, it finds them there', async () => {
    const card = path.join(dir, 'card');
    await mkdir(card);
    await sharp(sharedData('photos-extra', 'Kodak24', 'kodim05.png')).resize(200).jpeg().toFile(path.join(card, 'street.jpg'));
    // A subfolder with photos is said to be left out.
    await mkdir(path.join(card, 'raw'));
    await sharp(sharedData('photos-extra', 'Kodak24', 'kodim05.png')).resize(60).png().toFile(path.join(card, 'raw', 'street.png'));
    const first = await runCli(['deblur', card, '--subfolder', 'Unshaken', '--model', 'placeholder']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('each result in Unshaken/ beside its original');
    expect(first.stderr).toContain('note: 1 subfolder with photos is not included: name it too to deblur its photos.');
    expect(await readdir(path.join(card, 'Unshaken'))).toEqual(['street-unshaken.jpg']);
    expect((await readdir(card)).sort()).toEqual(['Unshaken', 'raw', 'street.jpg']);
    const again = await runCli(['deblur', card, '--subfolder', 'Fixed', '--model', 'placeholder']);
    expect(again.stdout).toContain('batch: 0 done, 0 failed, 1 already done (of 1)');
    // The results folder (the app's name, here) is not a subfolder of photos left out.
    expect(again.stderr).toContain('note: 1 subfolder with photos is not included');
    expect((await readdir(card)).sort()).toEqual(['Unshaken', 'raw', 'street.jpg']);
    // A folder made for photos that all failed is not left behind empty.
    const damaged = path.join(dir, 'damaged-card');
    await mkdir(damaged);
    await writeFile(path.join(damaged, 'cut.jpg'), (await readFile(path.join(card, 'street.jpg'))).subarray(0, 2000));
    const failed = await runCli(['deblur', damaged, '--subfolder', 'Fixed', '--model', 'placeholder']);
    expect(failed.stdout).toContain('batch: 0 done, 1 failed, 0 already done (of 1)');
    expect(await readdir(damaged)).toEqual(['cut.jpg']);
    // A format by its file extension's name, in any case; a quality it cannot use is said.
    const tif = await runCli(['deblur', path.join(card, 'street.jpg'), '--model', 'placeholder', '--format', 'TIF', '--quality', '50']);
    expect(tif.code, tif.stderr).toBe(0);
    expect(tif.stderr).toContain('note: --quality applies to JPEG and WebP; TIFF is written losslessly.');
    expect((await sharp(path.join(card, 'street-unshaken.tif')).metadata()).format).toBe('tiff');
    for (const bad of [['--subfolder', '../elsewhere'], ['--subfolder', 'x', '--out-dir', outDir()]]) {
      const refused = await runCli(['deblur', card, ...bad, '--model', 'placeholder']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/error \[INVALID_REQUEST\]: --(subfolder takes a folder name|out-dir and --subfolder)/);
    }
  });

  it('two card folders with the same file names, into one --out-dir in two runs: each photo deblurred, none taken for done by the other’s result', async () => {
    const cards = path.join(dir, 'cards');
    for (const [card, source] of [['100', 'kodim04'], ['101', 'kodim05']] as const) {
      await mkdir(path.join(cards, card), { recursive: true });
      await sharp(sharedData('photos-extra', 'Kodak24', `${source}.png`)).resize(200).jpeg().toFile(path.join(cards, card, 'IMG_0001.jpg'));
    }
    const out = path.join(cards, 'out');
    const first = await runCli(['deblur', path.join(cards, '101'), '--out-dir', out, '--model', 'placeholder']);
    expect(lines(first.stdout).at(-1)).toBe('batch: 1 done, 0 failed, 0 already done (of 1)');
    const second = await runCli(['deblur', path.join(cards, '100'), '--out-dir', out, '--model', 'placeholder']);
    expect(second.stdout).toMatch(/\[1\/1\] IMG_0001\.jpg: wrote .*IMG_0001-unshaken-2\.jpg/);
    expect((await readdir(out)).sort()).toEqual(['IMG_0001-unshaken-2.jpg', 'IMG_0001-unshaken.jpg']);
    // Each run again finds its own result, numbered or not.
    for (const card of ['100', '101']) {
      const again = await runCli(['deblur', path.join(cards, card), '--out-dir', out, '--model', 'placeholder']);
      expect(lines(again.stdout).at(-1)).toBe('batch: 0 done, 0 failed, 1 already done (of 1)');
      expect(again.stdout).toContain(`IMG_0001-unshaken${card === '100' ? '-2' : ''}.jpg`);
    }
  });
});
