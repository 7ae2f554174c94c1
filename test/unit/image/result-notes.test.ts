import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { formatNotes, resultNotes } from '../../../model/src/image/result-notes.js';
import { makeGrayPng, makeRgbaPng, useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir('unshake-result-notes-');

describe('what a result leaves out, said with it', () => {
  it('transparency flattened into a JPEG is said; PNG, TIFF and WebP keep it and say nothing', async () => {
    const { source } = await decodeImage((await makeRgbaPng(tempDir())).path);
    const note = 'rgba.png has transparency: the JPEG result is flattened onto white (choose PNG, TIFF or WebP to keep it).';
    expect(resultNotes(source, 'jpeg')).toEqual([note]);
    for (const format of ['png', 'tiff', 'webp'] as const) expect([format, resultNotes(source, format)]).toEqual([format, []]);
    // Gray + alpha, too.
    const gray = await decodeImage((await makeGrayPng(tempDir(), true)).path);
    expect(formatNotes(gray.source, 'jpeg')).toEqual([expect.stringMatching(/^gray-alpha\.png has transparency: /)]);
  });

  it('an alpha channel that is opaque everywhere (as many editors save) loses nothing in a JPEG', async () => {
    const path = join(tempDir(), 'opaque.png');
    await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 1 } } }).png().toFile(path);
    const { source } = await decodeImage(path);
    expect(source.hasAlpha).toBe(true);
    expect(resultNotes(source, 'jpeg')).toEqual([]);
  });
});
