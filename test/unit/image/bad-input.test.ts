import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../electron/common/error-codes.js';
import { UnshakeError } from '../../../model/src/errors.js';
import { decodeImage } from '../../../model/src/image/decode.js';
import { readMetadataSummary } from '../../../model/src/image/metadata.js';
import { makePreview } from '../../../model/src/image/preview.js';
import { makeHeaderOnlyJpeg, makeOrientedPhoto, useTempDir, makeTruncatedJpeg } from '../../fixtures/make-images.js';

const tempDir = useTempDir();
const paths: Record<string, string> = {};

beforeAll(async () => {
  const dir = tempDir();
  paths.missing = join(dir, 'no-such-photo.jpg');
  paths.folder = join(dir, 'a-folder.jpg');
  await mkdir(paths.folder);
  paths.empty = join(dir, 'empty.jpg');
  await writeFile(paths.empty, '');
  paths.text = join(dir, 'notes.jpg');
  await writeFile(paths.text, 'This is a text file with a .jpg name.\n');
  paths.svg = join(dir, 'drawing.svg');
  await writeFile(paths.svg, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
  paths.headerCut = await makeHeaderOnlyJpeg(dir);
  paths.truncated = await makeTruncatedJpeg(dir);
  paths.good = await makeOrientedPhoto(dir);
  // A link to itself: the system answers ELOOP, which is no matter of permissions.
  paths.loop = join(dir, 'loop.jpg');
  await symlink('loop.jpg', paths.loop);
});

const readers = {
  decodeImage: (path: string, maxMegapixels?: number) => decodeImage(path, { maxMegapixels }),
  readMetadataSummary: (path: string, maxMegapixels?: number) => readMetadataSummary(path, { maxMegapixels }),
  makePreview: (path: string, maxMegapixels?: number) => makePreview(path, 256, { maxMegapixels }),
};

async function expectFailure(promise: Promise<unknown>, code: ErrorCode, path: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(UnshakeError);
  expect((error as UnshakeError).code).toBe(code);
  // Messages name the file so the user knows which one failed.
  expect((error as UnshakeError).message).toContain(basename(path));
}

describe.each(Object.entries(readers))('%s on bad input', (_name, read) => {
  it.each([
    ['missing', 'FILE_NOT_FOUND'],
    ['folder', 'FILE_UNREADABLE'],
    ['empty', 'FILE_EMPTY'],
    ['text', 'UNSUPPORTED_FORMAT'],
    ['svg', 'UNSUPPORTED_FORMAT'],
    ['headerCut', 'CORRUPT_IMAGE'],
  ] as const)('%s file → %s', async (key, code) => {
    await expectFailure(read(paths[key]!), code, paths[key]!);
  });

  it('says a symbolic link that loops is one, not a matter of permissions', async () => {
    await expectFailure(read(paths.loop!), 'FILE_UNREADABLE', paths.loop!);
    await expect(read(paths.loop!)).rejects.toThrow(/is a symbolic link that loops.*point the link at a photo/);
  });

  it('refuses images above the megapixel limit before decoding', async () => {
    // 48 × 32 = 1536 pixels against a 0.001 MP (1000 pixel) limit.
    await expectFailure(read(paths.good!, 0.001), 'IMAGE_TOO_LARGE', paths.good!);
    await expect(read(paths.good!, 0.002)).resolves.toBeTruthy();
  });
});

describe('truncated pixel data', () => {
  it('fails the full decode and the preview with CORRUPT_IMAGE', async () => {
    await expectFailure(decodeImage(paths.truncated!), 'CORRUPT_IMAGE', paths.truncated!);
    await expectFailure(makePreview(paths.truncated!), 'CORRUPT_IMAGE', paths.truncated!);
  });

  it('still gives a header summary (metadata reads no pixels)', async () => {
    await expect(readMetadataSummary(paths.truncated!)).resolves.toMatchObject({ width: 256, height: 256 });
  });
});
