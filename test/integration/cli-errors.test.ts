import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, sharedData } from './cli-run.js';
import { USAGE as BENCH_USAGE } from '../../model/src/cli/bench-command.js';
import { USAGE as DEBLUR_USAGE } from '../../model/src/cli/deblur-command.js';
import { USAGE as EVAL_USAGE } from '../../model/src/cli/eval-command.js';
import { USAGE as MODELS_USAGE } from '../../model/src/cli/models-command.js';
import { USAGE as TRAIN_USAGE } from '../../model/src/train/cli-train.js';

let tmp: string;
let photo: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-bad-'));
  photo = path.join(tmp, 'photo.png');
  await copyFile(sharedData('levin', 'im1_kernel1_img.png'), photo);
  const bytes = await readFile(photo);
  await writeFile(path.join(tmp, 'truncated.png'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  await writeFile(path.join(tmp, 'notes.png'), 'this is a text file, not a picture\n');
  await writeFile(path.join(tmp, 'empty.jpg'), '');
  // A little-endian TIFF cut in half (its directory is lost), and a big-endian one cut short.
  const tiff = await sharp(photo).tiff().toBuffer();
  await writeFile(path.join(tmp, 'truncated.tif'), tiff.subarray(0, Math.floor(tiff.length / 2)));
  await writeFile(path.join(tmp, 'truncated-be.tif'), Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0c]));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Runs a failing command and checks the contract: exit 1, one `error [CODE]` line, no stack, nothing written. */
async function expectFailure(args: string[], code: string | RegExp): Promise<string> {
  const before = (await readdir(tmp)).sort();
  const r = await runCli(args);
  expect(r.code).toBe(1);
  const match = r.stderr.match(/^error \[([A-Z_]+)\]: (.+)$/m);
  expect(match, r.stderr).not.toBeNull();
  expect(match![1]).toMatch(code);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect((await readdir(tmp)).sort()).toEqual(before);
  return match![2]!;
}

const out = () => path.join(tmp, 'out.png');

const USAGES: Record<string, string> = { deblur: DEBLUR_USAGE, models: MODELS_USAGE, eval: EVAL_USAGE, bench: BENCH_USAGE, train: TRAIN_USAGE };

describe('unshake deblur on bad input', () => {
  it('missing file → FILE_NOT_FOUND', async () => {
    const message = await expectFailure(['deblur', path.join(tmp, 'nope.png'), '--out', out()], 'FILE_NOT_FOUND');
    expect(message).toContain('nope.png');
  });

  it('an empty path (an unset shell variable) → FILE_NOT_FOUND that says so, not a crash in the decoder', async () => {
    expect(await expectFailure(['deblur', ''], 'FILE_NOT_FOUND')).toMatch(/input path is empty/);
  });

  it('a FIFO → "not a regular file" at once, instead of waiting forever for a writer', async () => {
    const fifo = path.join(tmp, 'fifo.jpg');
    execFileSync('mkfifo', [fifo]);
    try {
      // Bounded: without the check the CLI blocks in open(); the kill makes that a failure, not a hang.
      const r = await new Promise<{ code: number | string | null | undefined; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'model/src/cli/index.ts', 'deblur', fifo, '--out', out()], { cwd: repoRoot, timeout: 20_000, killSignal: 'SIGKILL' }, (error, _stdout, stderr) =>
          resolve({ code: error ? error.code : 0, stderr }),
        );
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^error \[FILE_UNREADABLE\]: .*fifo\.jpg is not a regular file: pick an image file\.$/m);
    } finally {
      await rm(fifo);
    }
  });

  it('a text file → not an image', async () => {
    // No image signature: not mistaken for a damaged photo.
    await expectFailure(['deblur', path.join(tmp, 'notes.png'), '--out', out()], 'UNSUPPORTED_FORMAT');
  });

  it('a truncated PNG → CORRUPT_IMAGE', async () => {
    await expectFailure(['deblur', path.join(tmp, 'truncated.png'), '--out', out()], 'CORRUPT_IMAGE');
  });

  it('a truncated TIFF (either byte order) → CORRUPT_IMAGE, not "unknown format"', async () => {
    for (const name of ['truncated.tif', 'truncated-be.tif']) {
      const message = await expectFailure(['deblur', path.join(tmp, name), '--out', out()], 'CORRUPT_IMAGE');
      expect(message).toBe(`${name} is a TIFF file, but it could not be read: it is probably truncated or damaged. Copy the original file again or re-export it.`);
    }
  });

  it('an empty file → FILE_EMPTY', async () => {
    await expectFailure(['deblur', path.join(tmp, 'empty.jpg'), '--out', out()], 'FILE_EMPTY');
  });

  it('bad options and unknown models → INVALID_REQUEST / MODEL_NOT_FOUND', async () => {
    await expectFailure(['deblur', photo, '--out', out(), '--strength', '2'], 'INVALID_REQUEST');
    // A negative value is checked as a value, not taken for an option.
    expect(await expectFailure(['deblur', photo, '--out', out(), '--strength', '-0.5'], 'INVALID_REQUEST')).toBe('--strength must be a number from 0 to 1, got "-0.5".');
    await expectFailure(['deblur', photo, '--out', out(), '--region', '1,2,3'], 'INVALID_REQUEST');
    await expectFailure(['deblur', photo, '--bogus'], 'INVALID_REQUEST');
    // An empty field is not 0 (Number('') is): each bad field is named.
    expect(await expectFailure(['deblur', photo, '--out', out(), '--region', '10,,30,40'], 'INVALID_REQUEST')).toBe(
      '--region must be four numbers x,y,width,height in pixels, e.g. --region 100,50,800,600; y is empty in "10,,30,40".',
    );
    expect(await expectFailure(['deblur', photo, '--out', out(), '--region', '10,20,30,'], 'INVALID_REQUEST')).toMatch(/; height is empty in "10,20,30,"\.$/);
    expect(await expectFailure(['deblur', photo, '--out', out(), '--region', '10,20,wide,40'], 'INVALID_REQUEST')).toMatch(/; width is "wide", not a number in/);
    await expectFailure(['deblur', photo, '--out', out(), '--model', 'no-such-model'], 'MODEL_NOT_FOUND');
  });

  it('never replaces an existing file without --overwrite, nor the original', async () => {
    const existing = path.join(tmp, 'taken.png');
    await writeFile(existing, 'keep me');
    expect(await expectFailure(['deblur', photo, '--out', existing], 'OUTPUT_EXISTS')).toBe(`${existing} already exists: choose another --out, or add --overwrite to replace it.`);
    expect(await readFile(existing, 'utf8')).toBe('keep me');
    expect(await expectFailure(['deblur', photo, '--out', photo], 'OUTPUT_EXISTS')).toMatch(/is the original photo; Unshake never writes over an original/);
    await expectFailure(['deblur', photo, '--out', photo, '--overwrite'], 'OUTPUT_EXISTS');
    // --overwrite names what --out names: alone it would replace nothing, and says so.
    expect(await expectFailure(['deblur', photo, '--overwrite'], 'INVALID_REQUEST')).toMatch(/^--overwrite replaces the file --out names/);
    await rm(existing);
  });

  it('a path typed to `npm run deblur` is relative to the folder it was typed in, not the repository', async () => {
    const here = path.join(tmp, 'typed-here');
    await mkdir(here);
    await copyFile(photo, path.join(here, 'shot.png'));
    const npmDeblur = () =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile('npm', ['--prefix', repoRoot, 'run', '--silent', 'deblur', '--', 'shot.png', '--model', 'placeholder', '--out', 'fixed/shot.png'], { cwd: here }, (error, _out, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
        ),
      );
    // The output's folder is here too: it does not exist yet, so the relative --out is refused as such.
    expect((await npmDeblur()).stderr).toMatch(new RegExp(`error \\[WRITE_FAILED\\]: .*${path.join(here, 'fixed').replace(/[/.]/g, '\\$&')}`));
    await mkdir(path.join(here, 'fixed'));
    const again = await npmDeblur();
    expect(again.code, again.stderr).toBe(0);
    expect(await readdir(path.join(here, 'fixed'))).toEqual(['shot.png']);
  });

  it('every command answers --help (exit 0) with each of its options explained, defaults said', async () => {
    for (const [command, usage] of Object.entries(USAGES)) {
      const r = await runCli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^npm run ${command} -- `));
      // There is no `unshake` command to type: help and usage name what is typed.
      expect(`${r.stdout}\n${usage}`, command).not.toMatch(/\bunshake (deblur|models|eval|bench|train)\b|unshake </);
      // Every option the one-line usage names has its own line in the help.
      for (const option of new Set(usage.match(/--[a-z0-9-]+/g))) expect(r.stdout, `${command} ${option}`).toMatch(new RegExp(`^ +(-[a-z], )?${option}\\b`, 'm'));
    }
    expect((await runCli(['train', '--help'])).stdout).toMatch(/--steps <n> +training steps \(default: 1000\)/);
    expect((await runCli(['deblur', '--help'])).stdout).toMatch(/--quality <1\.\.100> +JPEG and WebP quality, written exactly as given, lower than a JPEG\n +photo's own too \(default: 95, raised to a JPEG photo's own quality\n/);
  });

  it('refuses an output it cannot write before any deblurring: a GIF/HEIC name, a missing folder, a region outside the photo', async () => {
    const beforeWork = async (args: string[], code: string, message: RegExp) => {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error \\[${code}\\]: `, 'm'));
      expect(r.stderr).toMatch(message);
      // Refused up front: not after minutes of tiles.
      expect(r.stderr).not.toMatch(/^deblur: tile /m);
    };
    await beforeWork(['deblur', photo, '--out', path.join(tmp, 'out.gif')], 'INVALID_REQUEST', /cannot write GIF files .*\.png, \.jpg, \.tif or \.webp/);
    await beforeWork(['deblur', photo, '--out', path.join(tmp, 'out.heic')], 'INVALID_REQUEST', /cannot write HEIC files/);
    await beforeWork(['deblur', photo, '--out', path.join(tmp, 'no-such-folder', 'out.png')], 'WRITE_FAILED', /folder .*no-such-folder does not exist/);
    await beforeWork(['deblur', photo, '--region', '5000,5000,10,10'], 'INVALID_REQUEST', /region lies outside the photo \(255 × 255 px\)/);
    await beforeWork(['deblur', photo, '--out', tmp], 'WRITE_FAILED', /is a folder: choose a file name/);
    expect(await readdir(tmp)).not.toContain('no-such-folder');
  });

  it('an empty selection names its cause: no whole pixel, an inverted whole photo, a feather too wide', async () => {
    const region = (...args: string[]) => expectFailure(['deblur', photo, '--out', out(), ...args], 'INVALID_REQUEST');
    expect(await region('--region', '10.6,10.6,0.5,0.5')).toMatch(/^The selected region covers no whole pixel: a pixel is selected when its centre lies inside/);
    expect(await region('--region', '0,0,255,255', '--invert')).toBe(
      'The inverted selection covers nothing: the region covers the whole photo (255 × 255 px): nothing would change.',
    );
    expect(await region('--region', '100,100,1,1', '--feather', '2000')).toMatch(/^The feather \(2000 px\) is too wide for so small a region \(1 px\)/);
  });

  it('says that only the first page of a multi-page TIFF is deblurred', async () => {
    const pages = path.join(tmp, 'pages.tif');
    const one = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
    await sharp(Buffer.concat([one.data, one.data]), { raw: { width: one.info.width, height: one.info.height * 2, channels: one.info.channels, pageHeight: one.info.height } })
      .tiff().toFile(pages);
    expect((await sharp(pages).metadata()).pages).toBe(2);
    const out = path.join(tmp, 'pages-out.tif');
    const r = await runCli(['deblur', pages, '--out', out, '--model', 'placeholder']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: pages\.tif has 2 pages or frames; only the first is deblurred and saved\.$/m);
    await rm(out);
    await rm(pages);
  });
});
