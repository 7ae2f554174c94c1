import { describe, expect, it } from 'vitest';
import { readMetadataSummary } from '../../../model/src/image/metadata.js';
import { formatPixelFormat } from '../../../renderer/src/lib/format.js';
import { makeCmykJpeg, makeGrayPng, makePng16, makeRgbaPng, useTempDir } from '../../fixtures/make-images.js';

const dir = useTempDir('unshake-format-');

/** What the editor's Photo panel shows as bit depth for a file, through the real metadata read. */
async function shown(file: string): Promise<string> {
  const meta = await readMetadataSummary(file);
  return formatPixelFormat(meta.bitDepth, meta.space, meta.hasAlpha);
}

describe('Photo panel: bit depth and colour model in a photographer’s words', () => {
  it('names the colour model, not the decoder’s interpretation', async () => {
    expect(await shown((await makePng16(dir())).path)).toBe('16-bit RGB');
    expect(await shown((await makeGrayPng(dir())).path)).toBe('8-bit Grayscale');
    expect(await shown((await makeGrayPng(dir(), true)).path)).toBe('8-bit Grayscale + alpha');
    expect(await shown((await makeRgbaPng(dir())).path)).toBe('8-bit RGB + alpha');
    expect(await shown(await makeCmykJpeg(dir()))).toBe('8-bit CMYK');
  });

  it('shows an interpretation it has no name for as it is, upper-cased', () => {
    expect(formatPixelFormat(16, 'multiband', false)).toBe('16-bit MULTIBAND');
  });
});
