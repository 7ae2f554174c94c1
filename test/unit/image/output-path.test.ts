import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOutputPath } from '../../../model/src/image/output-path.js';
import { useTempDir } from '../../fixtures/make-images.js';

/**
 * A photo whose name is near the file system's 255-byte cap got a default output name over it, so
 * the deblur ran to the end and then failed with ENAMETOOLONG. The name is shortened instead.
 */
const tempDir = useTempDir('unshake-outname-');
const bytes = (file: string) => Buffer.byteLength(path.basename(file));

describe('defaultOutputPath for long names', () => {
  it.each([
    ['ASCII', 'x'.repeat(247)],
    ['multi-byte characters', 'ß€'.repeat(49)],
  ])('%s: keeps the suffix, counter and extension within 255 bytes, cutting whole characters', async (_kind, stem) => {
    const photo = path.join(tempDir(), `${stem}.jpg`);
    expect(bytes(photo)).toBeGreaterThan(240);
    await writeFile(photo, 'original');
    const first = defaultOutputPath(photo);
    expect(bytes(first)).toBeLessThanOrEqual(255);
    expect(path.basename(first)).toMatch(/-unshaken\.jpg$/);
    expect(path.basename(first).startsWith(stem.slice(0, 40))).toBe(true);
    expect(path.basename(first)).not.toContain('\uFFFD');
    // The names are real: they can be written, and the next save gets -2 within the cap too.
    await writeFile(first, 'first');
    const second = defaultOutputPath(photo);
    expect(path.basename(second)).toMatch(/-unshaken-2\.jpg$/);
    expect(bytes(second)).toBeLessThanOrEqual(255);
    await writeFile(second, 'second');
  });
});
