import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAtomically } from '../../../model/src/image/atomic-file.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * Two saves to one default name at once used to both "succeed", the second silently replacing the
 * first: the name was checked before the encode and the rename replaced whatever appeared since.
 * The file another save creates while this one is written stands in for that race here.
 */
const tempDir = useTempDir('unshake-atomic-');
const leftovers = async () => (await readdir(tempDir())).filter((name) => name.startsWith('.'));

describe('writeAtomically', () => {
  it('without replace, never replaces a file that appeared while it was writing, and leaves no temp file', async () => {
    const target = path.join(tempDir(), 'photo-unshaken.jpg');
    const writing = writeAtomically(
      target,
      async (temp) => {
        await writeFile(temp, 'second save');
        await writeFile(target, 'first save');
      },
      { replace: false },
    );
    await expect(writing).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(target, 'utf8')).toBe('first save');
    expect(await leftovers()).toEqual([]);
  });

  it('without replace, writes a new file whole and reports its size', async () => {
    const target = path.join(tempDir(), 'new.png');
    expect(await writeAtomically(target, (temp) => writeFile(temp, 'pixels'), { replace: false })).toBe(6);
    expect(await readFile(target, 'utf8')).toBe('pixels');
    expect(await leftovers()).toEqual([]);
  });

  it('replaces an existing file when told to (the user chose overwrite)', async () => {
    const target = path.join(tempDir(), 'kept.tif');
    await writeFile(target, 'old');
    await writeAtomically(target, (temp) => writeFile(temp, 'new'));
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await leftovers()).toEqual([]);
  });
});
