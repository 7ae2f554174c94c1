import { execFileSync } from 'node:child_process';
import { watch, writeFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { checkOutput, encodeImage } from '../../../model/src/image/encode.js';
import type { DecodedImage } from '../../../model/src/image/types.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * What encodeImage and checkOutput do about the output's folder and name: a file another save
 * creates under the same name while this one writes is never replaced, a cancelled save publishes
 * nothing, and a folder or name that cannot be written is refused before any work, with advice
 * that fits the cause (read-only, disk full, name too long).
 */
const tempDir = useTempDir('unshake-output-');
let image: DecodedImage;
const mounts: string[] = [];

beforeAll(async () => {
  // 3 MP of noise: the PNG encode takes a few hundred ms, long after its temp file appears.
  const file = join(tempDir(), 'noise.png');
  await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png({ compressionLevel: 1 })
    .toFile(file);
  image = await decodeImage(file);
}, 60_000);
afterAll(() => {
  for (const dir of mounts) execFileSync('umount', [dir]);
});

async function caseDir(name: string): Promise<string> {
  const dir = join(tempDir(), name);
  await mkdir(dir);
  return dir;
}

/** A tmpfs at `dir` (root only, where mounting is allowed); false when it cannot be made. */
function mountTmpfs(dir: string, options: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  mounts.push(dir);
  return true;
}

/** Calls `then` once, as soon as the encoder's temp file appears in `dir` (inotify, no sleeps). */
function onEncodeTemp(dir: string, then: () => void): () => void {
  let done = false;
  const watcher = watch(dir, (_event, name) => {
    if (done || !name?.includes('.unshake-encode-')) return;
    done = true;
    then();
  });
  return () => watcher.close();
}

describe('encodeImage publishes only what it may', () => {
  it('without overwrite, refuses a target another save created while it wrote, as if it had existed before', async () => {
    const dir = await caseDir('race');
    const target = join(dir, 'photo-unshaken.png');
    const stop = onEncodeTemp(dir, () => writeFileSync(target, 'the other save'));
    const error = await encodeImage(image.raster, image.source, { path: target }).catch((e: unknown) => e);
    stop();
    expect(error).toMatchObject({ code: 'OUTPUT_EXISTS', message: `${target} already exists: choose another name or confirm that it may be replaced.` });
    expect(await readFile(target, 'utf8')).toBe('the other save');
    expect(await readdir(dir)).toEqual(['photo-unshaken.png']);
  });

  it('cancelled while it writes: publishes nothing, removes its temp file, says CANCELLED', async () => {
    const dir = await caseDir('cancel');
    const target = join(dir, 'out.png');
    const controller = new AbortController();
    const stop = onEncodeTemp(dir, () => controller.abort());
    const error = await encodeImage(image.raster, image.source, { path: target, signal: controller.signal }).catch((e: unknown) => e);
    stop();
    expect(controller.signal.aborted).toBe(true);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('a full disk says so, and leaves nothing', async (context) => {
    const dir = await caseDir('full');
    if (!mountTmpfs(dir, 'size=64k')) return context.skip();
    const target = join(dir, 'out.png');
    const error = await encodeImage(image.raster, image.source, { path: target }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/: the disk is full: free some space/) });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('checkOutput refuses an output that cannot be written, before any work', () => {
  it('a read-only folder (a locked card, a read-only share), also for root', async (context) => {
    const dir = await caseDir('read-only');
    await writeFile(join(dir, 'IMG_0042.jpg'), 'the original');
    if (process.getuid?.() === 0) {
      // Root may write a 0555 folder; only a read-only mount (EROFS) stops it.
      if (!mountTmpfs(dir, 'ro,size=1m')) return context.skip();
    } else {
      await chmod(dir, 0o555);
    }
    const target = join(dir, 'IMG_0042-unshaken.jpg');
    const error = await checkOutput(target, { path: join(dir, 'IMG_0042.jpg'), format: 'jpeg' }, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'WRITE_FAILED',
      message: process.getuid?.() === 0
        ? `Could not write ${target}: it is on a read-only disk: choose a folder on a disk that can be written. Nothing was written.`
        : `Could not write ${target}: you are not allowed to write there: change its permissions or choose another folder. Nothing was written.`,
    });
    await chmod(dir, 0o755).catch(() => undefined);
  });

  it('a writable folder passes, and its probe file is gone', async () => {
    const dir = await caseDir('writable');
    expect(await checkOutput(join(dir, 'out.jpg'), { path: join(dir, 'in.jpg'), format: 'jpeg' }, {})).toBe('jpeg');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a name over the 255-byte limit, and a "folder" that is a file', async () => {
    const dir = await caseDir('names');
    const source = { path: join(dir, 'in.png'), format: 'png' };
    const long = join(dir, `${'a'.repeat(300)}.png`);
    await expect(checkOutput(long, source, {})).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/: the name is too long: choose a shorter/) });
    await expect(encodeImage(image.raster, image.source, { path: long })).rejects.toMatchObject({ message: expect.stringMatching(/the name is too long/) });
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    await expect(checkOutput(join(file, 'out.png'), source, {})).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/does not exist/) });
    expect(await readdir(dir)).toEqual(['not-a-folder']);
  });
});
