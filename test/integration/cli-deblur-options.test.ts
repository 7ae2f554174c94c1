import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJpegHead } from '../../model/src/image/jpeg-head.js';
import { headQuality } from '../../model/src/image/jpeg-quality.js';
import { repoRoot, runCli, sharedData } from './cli-run.js';

/** deblur's options that would have written something useless: refused or amended, and said. */
let tmp: string;
let png: string;
let jpg: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-options-'));
  png = path.join(tmp, 'gray.png');
  jpg = path.join(tmp, 'flower.jpg');
  await copyFile(sharedData('levin', 'im1_kernel1_img.png'), png);
  await sharp(sharedData('gopro-official', 'Flower_blur1.png')).resize(320).jpeg().toFile(jpg);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const deblur = (...args: string[]) => runCli(['deblur', ...args, '--model', 'placeholder']);
const QUALITY_NOTE = /^note: --quality applies to JPEG and WebP; PNG is written losslessly\.$/m;

describe('deblur options that would write something useless', () => {
  it('--strength 0 is refused as "nothing would change", for one photo and for a batch, and nothing is written', async () => {
    const before = await readdir(tmp);
    for (const target of [png, tmp]) {
      const r = await deblur(target, '--strength', '0');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error \[INVALID_REQUEST\]: --strength 0 applies none of the fix: nothing would change\./m);
    }
    expect(await readdir(tmp)).toEqual(before);
  });

  it('--quality on a lossless result gets its note whether the format comes from the photo, --out or --format', async () => {
    const fromPhoto = await deblur(png, '--quality', '50');
    expect(fromPhoto.code, fromPhoto.stderr).toBe(0);
    expect(fromPhoto.stderr).toMatch(QUALITY_NOTE);
    const fromOut = await deblur(jpg, '--quality', '50', '--out', path.join(tmp, 'by-name.png'));
    expect(fromOut.code, fromOut.stderr).toBe(0);
    expect(fromOut.stderr).toMatch(QUALITY_NOTE);
    const fromFormat = await deblur(jpg, '--quality', '50', '--format', 'png', '--out', path.join(tmp, 'by-format.png'));
    expect(fromFormat.stderr).toMatch(QUALITY_NOTE);
    // A JPEG result uses it: no note.
    const lossy = await deblur(jpg, '--quality', '50', '--out', path.join(tmp, 'lossy.jpg'));
    expect(lossy.code, lossy.stderr).toBe(0);
    expect(lossy.stderr).not.toMatch(/^note: --quality/m);
  });

  it('--quality 40 on a q98 photo writes quality 40, smaller than the photo; without it the photo\'s 98 is kept, and said', async () => {
    const q98 = path.join(tmp, 'q98.jpg');
    await sharp(jpg).jpeg({ quality: 98 }).toFile(q98);
    const quality = async (file: string) => headQuality(await readJpegHead(file));
    const low = await deblur(q98, '--quality', '40', '--out', path.join(tmp, 'q98-40.jpg'), '--json');
    expect(low.code, low.stderr).toBe(0);
    expect(await quality(path.join(tmp, 'q98-40.jpg'))).toBe(40);
    expect(JSON.parse(low.stdout).photos[0].bytes).toBeLessThan((await readFile(q98)).length);
    expect(JSON.parse(low.stdout).photos[0].notes).toEqual([]);
    const kept = await deblur(q98, '--out', path.join(tmp, 'q98-kept.jpg'), '--json');
    expect(kept.code, kept.stderr).toBe(0);
    expect(await quality(path.join(tmp, 'q98-kept.jpg'))).toBe(98);
    const said = "q98.jpg is a JPEG of quality 98: its result is kept at quality 98, the photo's own, above the setting's 95.";
    expect(JSON.parse(kept.stdout).photos[0].notes).toEqual([said]);
    expect(kept.stderr).toContain(`note: ${said}`);
  });

  it('a batch of PNG and JPEG photos says how many results the quality does not apply to', async () => {
    const folder = path.join(tmp, 'mixed');
    await mkdir(folder);
    await copyFile(png, path.join(folder, 'a.png'));
    await copyFile(jpg, path.join(folder, 'b.jpg'));
    const r = await deblur(folder, '--quality', '50');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: --quality applies to JPEG and WebP; 1 of the 2 results will be PNG, written losslessly.');
  });

  it('--out without an image extension gets the format\'s, with a note: never a file no viewer opens', async () => {
    const r = await deblur(jpg, '--out', path.join(tmp, 'fixed'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: --out ' + path.join(tmp, 'fixed') + ' names no image type; writing fixed.jpg (JPEG) so that other programs open it.');
    expect(r.stdout).toContain(`wrote ${path.join(tmp, 'fixed.jpg')} `);
    expect((await sharp(path.join(tmp, 'fixed.jpg')).metadata()).format).toBe('jpeg');
    // A dot in the name is not an extension; --format decides the one added.
    const dated = await deblur(jpg, '--out', path.join(tmp, 'trip 2024.06.01'), '--format', 'tiff');
    expect(dated.code, dated.stderr).toBe(0);
    expect((await sharp(path.join(tmp, 'trip 2024.06.01.tif')).metadata()).format).toBe('tiff');
    expect(await readdir(tmp)).not.toContain('fixed');
    // --overwrite replaces what --out names, not fixed.jpg, a name made up for the user.
    const before = await readFile(path.join(tmp, 'fixed.jpg'));
    const again = await deblur(jpg, '--out', path.join(tmp, 'fixed'), '--overwrite');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error [OUTPUT_EXISTS]: ${path.join(tmp, 'fixed.jpg')} already exists, and --overwrite replaces only the file --out names`);
    expect((await readFile(path.join(tmp, 'fixed.jpg'))).equals(before)).toBe(true);
    expect((await deblur(jpg, '--out', path.join(tmp, 'fixed.jpg'), '--overwrite')).code).toBe(0);
  });

  it('"-" is not taken for a file: standard input and output are said to be unsupported', async () => {
    const before = await readdir(tmp);
    const refused = async (args: string[], message: string) => {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`error [INVALID_REQUEST]: ${message}`);
    };
    await refused(['deblur', '-'], 'deblur "-": reading from standard input is not supported; name a file.');
    await refused(['deblur', png, '--out', '-'], '--out "-": writing to standard output is not supported; name a file.');
    await refused(['deblur', png, '--out-dir', '-'], '--out-dir "-": writing to standard output is not supported; name a file.');
    await refused(['eval', '--set', tmp, '--json', '-'], '--json "-": writing to standard output is not supported; name a file.');
    expect(await readdir(tmp)).toEqual(before);
  });
});

describe('deblur --json', () => {
  it('one photo: one summary on stdout, the lines for people on stderr', async () => {
    const out = path.join(tmp, 'json (1).png');
    const r = await deblur(png, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      photos: [{ input: png, status: 'done', output: out, bytes: expect.any(Number), width: 255, height: 255, seconds: expect.any(Number), tiles: 1, model: 'placeholder', executionProvider: 'cpu', notes: [] }],
      done: 1,
      failed: 0,
      alreadyDone: 0,
    });
    expect(r.stderr).toContain(`wrote ${out} (`);
  });

  it('a batch through `npm run -s`: each photo done, already done or failed, on a clean stdout; exit 1 for the failure', async () => {
    const folder = path.join(tmp, 'json-batch');
    await mkdir(folder);
    await copyFile(png, path.join(folder, 'a.png'));
    await copyFile(jpg, path.join(folder, 'b.jpg'));
    await copyFile(png, path.join(folder, 'a-unshaken.png'));
    await writeFile(path.join(folder, 'c.jpg'), (await readFile(jpg)).subarray(0, 500));
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('npm', ['--prefix', repoRoot, 'run', '-s', 'deblur', '--', folder, '--model', 'placeholder', '--json'], { cwd: tmp }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      ),
    );
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ done: 1, failed: 1, alreadyDone: 1 });
    expect(summary.photos).toEqual([
      { input: path.join(folder, 'a.png'), status: 'already-done', output: path.join(folder, 'a-unshaken.png') },
      expect.objectContaining({ input: path.join(folder, 'b.jpg'), status: 'done', output: path.join(folder, 'b-unshaken.jpg') }),
      { input: path.join(folder, 'c.jpg'), status: 'failed', error: { code: 'CORRUPT_IMAGE', message: expect.stringContaining('c.jpg') } },
    ]);
    expect(r.stderr).toContain('batch: 1 done, 1 failed, 1 already done (of 3)');
  });

  it('one photo that fails is a "failed" record, as in a batch; a usage error or a missing model prints no JSON', async () => {
    const damaged = path.join(tmp, 'damaged.jpg');
    await writeFile(damaged, (await readFile(jpg)).subarray(0, 500));
    const taken = path.join(tmp, 'taken.png');
    await copyFile(png, taken);
    const large = path.join(tmp, 'large.png');
    await sharp({ create: { width: 1100, height: 1000, channels: 3, background: '#777' } }).png().toFile(large);
    const before = (await readdir(tmp)).sort();
    const failed = async (args: string[], code: string, message: string) => {
      const r = await deblur(...args, '--json');
      expect(r.code, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout), r.stderr).toEqual({
        photos: [{ input: args[0], status: 'failed', error: { code, message: expect.stringContaining(message) } }],
        done: 0,
        failed: 1,
        alreadyDone: 0,
      });
      // The line for people is where it always was.
      expect(r.stderr).toContain(`error [${code}]: `);
    };
    await failed([damaged], 'CORRUPT_IMAGE', 'damaged.jpg could not be decoded');
    await failed([path.join(tmp, 'missing.jpg')], 'FILE_NOT_FOUND', 'missing.jpg');
    await failed([png, '--region', '5000,0,10,10'], 'INVALID_REQUEST', 'lies outside the photo');
    await failed([large, '--max-megapixels', '1'], 'IMAGE_TOO_LARGE', 'large.png');
    await failed([png, '--out', taken], 'OUTPUT_EXISTS', 'already exists');
    // The command, not the photo: nothing on stdout, its exit code and error line say it.
    for (const args of [[png, '--region', '1,2,3', '--json'], [png, '--json', '--model', 'nope']]) {
      const r = await runCli(['deblur', ...args]);
      expect([r.code, r.stdout], r.stderr).toEqual([1, '']);
      expect(r.stderr).toMatch(/^error \[(INVALID_REQUEST|MODEL_NOT_FOUND)\]: /);
    }
    expect((await readdir(tmp)).sort()).toEqual(before);
    // Seven runs of the CLI: more than one test's usual time on a busy machine.
  }, 300_000);
});
