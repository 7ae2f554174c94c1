import { mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOutputFolder, makeResultsFolder } from '../../../model/src/image/results-folder.js';
import { useTempDir } from '../../fixtures/make-images.js';

/** Making the folders results go to: with their parents, and every refusal in words, never a hang. */
const tempDir = useTempDir('unshake-results-folder-');

describe('results folders', () => {
  it('makes --out-dir with its parents, and says which folder the batch made', async () => {
    const deep = path.join(tempDir(), 'a', 'b', 'c');
    await makeOutputFolder(deep, '--out-dir');
    expect((await stat(deep)).isDirectory()).toBe(true);
    await makeOutputFolder(deep, '--out-dir');
    const sub = path.join(tempDir(), 'photos', 'Unshaken');
    await mkdir(path.dirname(sub));
    expect(await makeResultsFolder(sub)).toBe(true);
    expect(await makeResultsFolder(sub)).toBe(false);
  });

  it('refuses a file in the way, or a link to a folder that is gone, in words', async () => {
    const file = path.join(tempDir(), 'file');
    await writeFile(file, 'x');
    await expect(makeOutputFolder(path.join(file, 'out'), '--out-dir')).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/a file is in the way/) });
    await expect(makeResultsFolder(file)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const dangling = path.join(tempDir(), 'Unshaken');
    await symlink(path.join(tempDir(), 'gone'), dangling);
    await expect(makeResultsFolder(dangling)).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/is a link to a folder that is no longer there/) });
  });

  // Node 20's recursive mkdir loops forever where mkdir answers ENOENT under a folder that exists (/proc).
  it.runIf(process.platform === 'linux')('refuses a place where no folder can be made (/proc) instead of hanging', async () => {
    await expect(makeOutputFolder('/proc/unshake-test', '--out-dir')).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/^Could not make the --out-dir folder \/proc\/unshake-test: /) });
    await expect(makeOutputFolder('/proc/unshake-test/deeper', '--out-dir')).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    await expect(makeResultsFolder('/proc/unshake-test')).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/^Could not make the folder \/proc\/unshake-test for the results: /) });
  });
});
