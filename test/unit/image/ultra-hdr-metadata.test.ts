import { readFile } from 'node:fs/promises';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../model/src/image/decode.js';
import { encodeImage } from '../../../model/src/image/encode.js';
import { xmpWithGainMapLength } from '../../../model/src/image/gain-map.js';
import { headXmp, jpegHeadOf, readJpegHead } from '../../../model/src/image/jpeg-head.js';
import { resultSources } from '../../../model/src/image/provenance.js';
import { useTempDir } from '../../fixtures/make-images.js';
import { writeRgbTiff } from '../../fixtures/tiff-writer.js';
import { isoUltraHdr, TAGS, tagUltraHdr, withGainMap, xmpOnlyUltraHdr } from '../../fixtures/ultra-hdr.js';

/**
 * An HDR (gain map) JPEG's XMP and IPTC: sharp reports neither for such a file, so they were lost
 * from its results; and an Ultra HDR v1 photo's own XMP is what tells Chrome and Android its gain
 * map is one.
 */
const tempDir = useTempDir('unshake-uhdr-meta-');
const W = 64;
const H = 48;

/** A linear float photo whose right half is 4× white. */
async function hdrTiff(dir: string): Promise<string> {
  const data = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) data.fill(i % W < W / 2 ? 0.2 : 4, i * 3, i * 3 + 3);
  const file = path.join(dir, 'hdr.tif');
  await writeRgbTiff(file, { width: W, height: H, pixels: data });
  return file;
}

async function aboveWhite(file: string): Promise<number> {
  const data = await withGainMap(sharp(file)).raw({ depth: 'float' }).toBuffer();
  return new Float32Array(data.buffer, data.byteOffset, data.length / 4).filter((v) => v > 1).length;
}

/** The XMP of a result: the JPEG's own head (sharp reports none with a gain map), else sharp's. */
async function xmpOf(file: string): Promise<string> {
  const xmp = (await sharp(file).metadata()).xmp ?? headXmp(await readJpegHead(file));
  return xmp?.toString('utf8') ?? '';
}

async function deblurTo(photo: string, name: string): Promise<string> {
  const { raster, source } = await decodeImage(photo);
  const out = path.join(path.dirname(photo), name);
  await encodeImage(raster, source, { path: out });
  return out;
}

describe('an HDR (gain map) JPEG’s XMP and IPTC', () => {
  it('a rated and keyworded Ultra HDR photo keeps its rating, keywords and creator in JPEG, PNG and TIFF results', async () => {
    const dir = tempDir();
    const photo = await tagUltraHdr(await isoUltraHdr(await hdrTiff(dir), path.join(dir, 'iso.jpg')), path.join(dir, 'rated.jpg'));
    // What made the bug: sharp reads the gain map, and no XMP or IPTC.
    const meta = await sharp(photo).metadata();
    expect([meta.gainMap !== undefined, meta.xmp, meta.iptc]).toEqual([true, undefined, undefined]);

    const jpeg = await deblurTo(photo, 'rated-unshaken.jpg');
    expect(await exifr.parse(jpeg, { xmp: true, iptc: true })).toMatchObject({ Rating: TAGS.rating, subject: TAGS.subject, Keywords: TAGS.keyword, Byline: TAGS.byline });
    expect(await aboveWhite(jpeg)).toBeGreaterThan(0);
    // Which photo it is of, for a batch run again, reads back from it too.
    expect((await resultSources(jpeg))?.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const png = await xmpOf(await deblurTo(photo, 'rated-unshaken.png'));
    expect(png).toContain(`xmp:Rating="${TAGS.rating}"`);
    expect(png).toContain(`<rdf:li>${TAGS.subject}</rdf:li>`);
    // PNG holds no IPTC: its fields in the XMP.
    expect(png).toContain(`<dc:creator><rdf:Seq><rdf:li>${TAGS.byline}</rdf:li>`);
    const tiff = await deblurTo(photo, 'rated-unshaken.tif');
    expect(await xmpOf(tiff)).toContain(`xmp:Rating="${TAGS.rating}"`);
    expect((await sharp(tiff).metadata()).iptc?.includes(Buffer.from(TAGS.byline, 'latin1'))).toBe(true);
  });

  it('an XMP-only Ultra HDR v1 photo, turned upright, still says it is HDR: hdrgm:Version, and a directory naming the new gain map’s length', async () => {
    const dir = tempDir();
    const photo = await tagUltraHdr(await xmpOnlyUltraHdr(await hdrTiff(dir), path.join(dir, 'v1.jpg')), path.join(dir, 'v1-6.jpg'), 6);
    expect(await aboveWhite(photo)).toBeGreaterThan(0);
    const out = await deblurTo(photo, 'v1-6-unshaken.jpg');
    // Chrome and Android (Skia) take an XMP-only gain map only where the primary states hdrgm:Version="1.0".
    const xmp = await xmpOf(out);
    expect(xmp).toContain('hdrgm:Version="1.0"');
    expect(xmp).toContain(`xmp:Rating="${TAGS.rating}"`);
    // The gain map was turned (re-encoded): the directory names its length as appended, as the MPF index does.
    const gainMap = (await sharp(out).metadata()).gainMap!.image;
    const length = Number(/Item:Semantic="GainMap"[^>]*Item:Length="(\d+)"/.exec(xmp)?.[1]);
    expect(length).toBe(gainMap.length);
    const file = await readFile(out);
    expect(file.subarray(file.length - length).equals(gainMap)).toBe(true);
    // The gain map keeps its own hdrgm:* parameters.
    const own = (await jpegHeadOf(Buffer.from(gainMap))).map((s) => s.bytes.toString('latin1')).join('');
    expect(own).toContain('hdrgm:GainMapMax="2"');
    expect(await aboveWhite(out)).toBeGreaterThan(0);
  });

  it('the directory’s gain map length and the primary’s padding are rewritten, nothing else', () => {
    const xmp =
      '<Container:Item Item:Semantic="Primary" Item:Mime="image/jpeg" Item:Padding="12"/>' +
      '<Container:Item\n Item:Semantic="GainMap" Item:Mime="image/jpeg" Item:Length="15583"/>' +
      '<Container:Item Item:Semantic="MotionPhoto" Item:Mime="video/mp4" Item:Length="99"/>';
    expect(xmpWithGainMapLength(xmp, 14879)).toBe(
      '<Container:Item Item:Semantic="Primary" Item:Mime="image/jpeg" Item:Padding="0"/>' +
        '<Container:Item\n Item:Semantic="GainMap" Item:Mime="image/jpeg" Item:Length="14879"/>' +
        '<Container:Item Item:Semantic="MotionPhoto" Item:Mime="video/mp4" Item:Length="99"/>',
    );
  });
});
