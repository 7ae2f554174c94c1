import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { UNSHAKE_VERSION } from '../../../model/src/version.js';
import { reencode } from '../../fixtures/reencode.js';
import { makeOrientedPhoto, ORIENTED, useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir('unshake-xmp-derived-');

/** As Photoshop writes it: IDs and sizes as attributes, the pixel sizes as elements, one history event. */
const PACKET = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
 xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmpMM:InstanceID="xmp.iid:original-instance" xmpMM:DocumentID="xmp.did:the-photo" xmpMM:OriginalDocumentID="xmp.did:the-photo"
 tiff:Orientation="6" tiff:ImageWidth="${ORIENTED.height}" tiff:ImageLength="${ORIENTED.width}" xmp:Rating="4">
<exif:PixelXDimension>${ORIENTED.height}</exif:PixelXDimension><exif:PixelYDimension>${ORIENTED.width}</exif:PixelYDimension>
<xmpMM:History><rdf:Seq><rdf:li stEvt:action="created" stEvt:instanceID="xmp.iid:the-photo" stEvt:when="2026-01-02T03:04:05Z" stEvt:softwareAgent="Camera 1.0"/></rdf:Seq></xmpMM:History>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** The result's XMP as exiftool reads it (structures kept, numbers as numbers). */
interface DerivedXmp {
  InstanceID: string;
  DocumentID: string;
  DerivedFrom: { InstanceID: string; DocumentID: string };
  History: { Action: string; SoftwareAgent?: string; InstanceID?: string }[];
  ImageWidth: number;
  ImageHeight: number;
  ExifImageWidth: number;
  ExifImageHeight: number;
  Orientation: number;
  Rating: number;
}

async function readXmp(file: string): Promise<DerivedXmp> {
  const { stdout } = await promisify(execFile)('exiftool', ['-j', '-n', '-struct', '-XMP:all', file]);
  return (JSON.parse(stdout) as DerivedXmp[])[0]!;
}

describe('a result’s XMP says it is a new version of the photo', () => {
  it('a new InstanceID, DerivedFrom the original, a history event by Unshake, the upright size', async () => {
    const photo = join(tempDir(), 'tagged.jpg');
    await sharp(await makeOrientedPhoto(tempDir())).keepMetadata().withXmp(PACKET).toFile(photo);
    expect((await sharp(photo).metadata()).orientation).toBe(6);
    for (const ext of ['jpg', 'png', 'tif', 'webp']) {
      const out = await reencode(photo, join(tempDir(), `tagged-out.${ext}`));
      const tags = await readXmp(out);
      expect([ext, tags.InstanceID]).not.toEqual([ext, 'xmp.iid:original-instance']);
      expect(tags.InstanceID).toMatch(/^xmp\.iid:[0-9a-f-]{36}$/);
      expect([ext, tags]).toMatchObject([
        ext,
        {
          DocumentID: 'xmp.did:the-photo',
          DerivedFrom: { InstanceID: 'xmp.iid:original-instance', DocumentID: 'xmp.did:the-photo' },
          ImageWidth: ORIENTED.width,
          ImageHeight: ORIENTED.height,
          ExifImageWidth: ORIENTED.width,
          ExifImageHeight: ORIENTED.height,
          Orientation: 1,
          Rating: 4,
        },
      ]);
      expect(tags.History.map((e) => e.Action)).toEqual(['created', 'derived', 'saved']);
      expect(tags.History.at(-1)).toMatchObject({ SoftwareAgent: `Unshake ${UNSHAKE_VERSION}`, InstanceID: tags.InstanceID });
    }
  });

  it('a packet without IDs or history (a rating alone) gets an InstanceID and both events, and no DerivedFrom', async () => {
    const photo = join(tempDir(), 'rated.jpg');
    const packet = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:Rating>5</xmp:Rating></rdf:Description></rdf:RDF></x:xmpmeta>`;
    await sharp(await makeOrientedPhoto(tempDir())).keepMetadata().withXmp(packet).toFile(photo);
    const tags = await readXmp(await reencode(photo, join(tempDir(), 'rated-out.jpg')));
    expect([tags.Rating, tags.DerivedFrom, tags.History.map((e) => e.Action)]).toEqual([5, undefined, ['derived', 'saved']]);
    expect(tags.History.at(-1)?.InstanceID).toBe(tags.InstanceID);
    expect(tags.InstanceID).toMatch(/^xmp\.iid:/);
  });
});
