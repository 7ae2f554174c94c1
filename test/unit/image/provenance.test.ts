import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { resultSources, sourceFingerprint, xmpWithSource } from '../../../model/src/image/provenance.js';
import { useTempDir } from '../../fixtures/make-images.js';

const tempDir = useTempDir('unshake-provenance-');
const ORIGINAL =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Ann</dc:creator></rdf:Description>' +
  '</rdf:RDF></x:xmpmeta>';

describe('which photo a result was made from', () => {
  it('a fingerprint of the bytes: the same file twice alike, one changed byte (at either end) or size apart', async () => {
    const bytes = Buffer.alloc(600 * 1024, 7);
    const write = async (name: string, data: Buffer) => {
      await writeFile(path.join(tempDir(), name), data);
      return sourceFingerprint(path.join(tempDir(), name));
    };
    const base = await write('a.bin', bytes);
    expect(await write('copy.bin', Buffer.from(bytes))).toBe(base);
    const head = Buffer.from(bytes);
    head[10] = 8;
    const tail = Buffer.from(bytes);
    tail[tail.length - 10] = 8;
    expect(new Set([base, await write('head.bin', head), await write('tail.bin', tail), await write('short.bin', bytes.subarray(1))]).size).toBe(4);
  });

  it('rides in the result’s XMP beside the original’s, once, and is read back from the written file', async () => {
    const once = xmpWithSource(ORIGINAL, 'ab12');
    expect(once).toContain('<dc:creator>Ann</dc:creator>');
    const twice = xmpWithSource(once, 'cd34');
    expect(twice.match(/SourceFingerprint/g)).toHaveLength(1);
    expect(twice).toContain('SourceFingerprint="cd34"');
    for (const [name, xmp] of [['with-original.jpg', twice], ['alone.png', xmpWithSource(null, 'ef56')]] as const) {
      const file = path.join(tempDir(), name);
      await sharp({ create: { width: 4, height: 4, channels: 3, background: '#888' } }).withXmp(xmp).toFile(file);
      expect((await resultSources(file))?.fingerprint).toBe(name === 'alone.png' ? 'ef56' : 'cd34');
    }
    // Merged by an XMP toolkit into a description with other properties: only the fingerprint goes.
    const merged =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:unshake="https://unshake.app/ns/xmp/1.0/" xmp:Rating="4" unshake:SourceFingerprint="ab12">' +
      '<dc:subject xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Bag><rdf:li>bird</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF ></x:xmpmeta>';
    const again = xmpWithSource(merged, 'ef56');
    expect(again).toContain('xmp:Rating="4"');
    expect(again).toContain('<rdf:li>bird</rdf:li>');
    expect(again.match(/SourceFingerprint="[0-9a-f]+"/g)).toEqual(['SourceFingerprint="ef56"']);
    // A packet with no closing RDF tag is the photo's own: kept whole, without a fingerprint.
    expect(xmpWithSource('<x:xmpmeta>broken', 'ef56')).toBe('<x:xmpmeta>broken');
    const plain = path.join(tempDir(), 'plain.png');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: '#888' } }).png().toFile(plain);
    expect(await resultSources(plain)).toBeNull();
    expect(await resultSources(path.join(tempDir(), 'missing.png'))).toBeNull();
  });
});
