import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { iptcAsXmp } from '../../../model/src/image/iptc-xmp.js';
import { iptcDatasets } from '../../../model/src/image/iptc.js';
import { reencode } from '../../fixtures/reencode.js';
import { iimDatasets, jpegWithSegment, photoshopBlock } from '../../fixtures/exif-blocks.js';
import { useTempDir } from '../../fixtures/make-images.js';

/** IPTC (caption, keywords, credit) goes with a JPEG or TIFF result; checked with exifr and libvips. */
const tempDir = useTempDir('unshake-iptc-');

const saveAs = (source: string, name: string, format: 'jpeg' | 'png' | 'webp' | 'tiff') => reencode(source, join(tempDir(), name), format);

/** A JPEG holding the datasets in an APP13 Photoshop block, and `xmp` if given. */
async function pressPhoto(name: string, datasets: Buffer, xmp?: string): Promise<string> {
  const image = sharp({ create: { width: 40, height: 24, channels: 3, background: '#8a6f4c' } });
  const plain = await (xmp ? image.withXmp(xmp) : image).jpeg({ quality: 95 }).toBuffer();
  const path = join(tempDir(), name);
  await writeFile(path, jpegWithSegment(plain, 0xed, photoshopBlock(datasets)));
  return path;
}

describe('IPTC in results', () => {
  it('finds the IPTC datasets behind another writer’s resource (ImageReady’s MeSa) and without a TIFF’s zero padding', () => {
    const datasets = iimDatasets([[5, 'Title']]);
    const block = photoshopBlock(datasets);
    // The block's first resource signed MeSa instead of 8BIM.
    const mesa = Buffer.from(block);
    mesa.write('MeSa', 'Photoshop 3.0\0'.length, 'latin1');
    expect(iptcDatasets(mesa)?.equals(datasets)).toBe(true);
    expect(iptcDatasets(Buffer.concat([datasets, Buffer.alloc(3)]))?.equals(datasets)).toBe(true);
  });

  it('a JPEG’s IPTC reaches JPEG and TIFF results, and from the TIFF a JPEG again', async () => {
    const datasets = iimDatasets([
      [5, 'Storm over the lake'],
      [25, 'storm'],
      [25, 'lake'],
      [80, 'Jane Photographer'],
      [116, '(c) Jane Photographer'],
    ]);
    const source = await pressPhoto('press.jpg', datasets);
    const expected = { ObjectName: 'Storm over the lake', Keywords: ['storm', 'lake'], Byline: 'Jane Photographer', CopyrightNotice: '(c) Jane Photographer' };
    expect(await exifr.parse(source, { iptc: true })).toMatchObject(expected);

    expect(await exifr.parse(await saveAs(source, 'press-out.jpg', 'jpeg'), { iptc: true })).toMatchObject(expected);
    // exifr reads no IPTC from a TIFF: libvips does, the datasets as they were (padded to LONGs).
    const tiff = await saveAs(source, 'press-out.tif', 'tiff');
    expect((await sharp(tiff).metadata()).iptc?.subarray(0, datasets.length).equals(datasets)).toBe(true);
    expect(await exifr.parse(await saveAs(tiff, 'press-again.jpg', 'jpeg'), { iptc: true })).toMatchObject(expected);
  });

  it('PNG and WebP, which hold no IPTC, get its fields as IPTC Core XMP; a property the XMP states already wins', async () => {
    const datasets = iimDatasets([
      [5, 'Storm over the lake'],
      [25, 'storm'],
      [25, 'lake & sky'],
      [80, 'Jane Photographer'],
      [116, '(c) Jane'],
      // A control character, which XML 1.0 does not allow even escaped.
      [120, 'A caption\x07 with a bell'],
    ]);
    const xmp =
      '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:rights><rdf:Alt><rdf:li xml:lang="x-default">Rights from XMP</rdf:li></rdf:Alt></dc:rights></rdf:Description>' +
      '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
    const source = await pressPhoto('press-xmp.jpg', datasets, xmp);
    for (const [name, format] of [['press-xmp.png', 'png'], ['press-xmp.webp', 'webp']] as const) {
      const written = (await sharp(await saveAs(source, name, format)).metadata()).xmp?.toString('utf8') ?? '';
      expect(written).toContain('<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Storm over the lake</rdf:li></rdf:Alt></dc:title>');
      expect(written).toContain('<dc:subject><rdf:Bag><rdf:li>storm</rdf:li><rdf:li>lake &amp; sky</rdf:li></rdf:Bag></dc:subject>');
      expect(written).toContain('<dc:creator><rdf:Seq><rdf:li>Jane Photographer</rdf:li></rdf:Seq></dc:creator>');
      expect(written).toContain('Rights from XMP');
      expect(written).not.toContain('(c) Jane');
      expect(written).toContain('<dc:description><rdf:Alt><rdf:li xml:lang="x-default">A caption with a bell</rdf:li>');
    }
  });

  it('IPTC text with no character set declared is read as UTF-8 where it is valid UTF-8, else as Windows-1252', () => {
    const title = (datasets: Buffer) => /<dc:title><rdf:Alt><rdf:li xml:lang="x-default">(.*?)<\/rdf:li>/.exec(iptcAsXmp(datasets, null) ?? '')?.[1];
    // Written by a tool that stores UTF-8 and does not say so (exiftool's default, digiKam).
    expect(title(iimDatasets([[5, 'Café in Zürich — Łódź'], [25, 'straße']], 'utf8'))).toBe('Café in Zürich — Łódź');
    // Written on Windows in its code page: curly quotes, a dash and the euro sign are 0x80–0x9F.
    expect(title(iimDatasets([[5, 'Caf\xe9 \x93sunset\x94 \x96 \x80 5']]))).toBe('Café “sunset” – € 5');
    // Plain Latin-1, not valid UTF-8: read as Latin-1 is.
    expect(title(iimDatasets([[5, 'Gr\xfc\xdfe aus K\xf6ln']]))).toBe('Grüße aus Köln');
  });
});
