import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { PHOTO_TYPES } from '../../../electron/common/photo-types.js';
import { createGrantedPaths } from '../../../electron/main/services/granted-paths.js';
import { createOpenRequests } from '../../../electron/main/services/open-requests.js';
import { photoFilesIn } from '../../../model/src/image/photo-files.js';
import { discoverPairs } from '../../../model/src/train/pair-discovery.js';
import { validatePairs } from '../../../model/src/train/pairs.js';
import { validateSharpFolder } from '../../../model/src/train/synth/sharp-folder.js';
import { makeGoproPairsFolder, sharedData } from '../train/helpers.js';

/**
 * Every place in main and the engine that decides by its name whether a file is a photo (a
 * batch's folder scan, "Open with", the fine-tuner's sharp photos and pairs) takes the same names:
 * a folder of one real photo under each extension of the list, each file written in its own type,
 * goes through all of them. (The renderer's drop check, which needs the DOM, is open-image's e2e.)
 */
const ENCODE: Record<string, (image: Sharp) => Sharp> = {
  JPEG: (image) => image.jpeg(),
  PNG: (image) => image.png(),
  TIFF: (image) => image.tiff(),
  WebP: (image) => image.webp(),
  // libvips here cannot encode HEVC: an AV1 HEIF file stands for .heic and .heif too.
  'HEIF/AVIF': (image) => image.avif({ effort: 0 }),
  GIF: (image) => image.gif(),
};

let dir: string;
/** Each photo's file name and whether fine-tuning reads it. */
let names: { name: string; trains: boolean }[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-photo-types-'));
  const crop = sharp(path.join(sharedData('photos-extra/CBSD68'), '101085.jpg')).extract({ left: 0, top: 0, width: 120, height: 120 });
  names = [];
  for (const type of PHOTO_TYPES) {
    const encode = ENCODE[type.name];
    if (!encode) throw new Error(`No encoder for ${type.name} in this test: add one.`);
    // .JPE in capitals too, as cameras and old Windows tools write it.
    for (const extension of [...type.extensions, ...type.extensions.filter((e) => e === '.jpe').map((e) => e.toUpperCase())]) {
      // Another stem for capitals: photo-jpe.jpe and photo-JPE.JPE are one file on a Mac.
      const name = `${extension === extension.toLowerCase() ? 'photo' : 'camera'}${extension.replace('.', '-')}${extension}`;
      // Each file a little brighter, or the sharp-photo check would call all but one a duplicate.
      await encode(crop.clone().modulate({ brightness: 1 + names.length / 50 })).toFile(path.join(dir, name));
      names.push({ name, trains: type.notForTraining === undefined });
    }
  }
  await writeFile(path.join(dir, 'notes.txt'), 'holiday photos');
});

describe('one list of photo names for the whole app', () => {
  it('a batch and "Open with" take every name on the list, and nothing else', async () => {
    const all = names.map((n) => n.name).sort();
    expect(all).toContain('photo-jpe.jpe');
    expect((await photoFilesIn([dir])).map((file) => path.basename(file)).sort()).toEqual(all);


    const requests = createOpenRequests(createGrantedPaths());
    await requests.request([...all, 'notes.txt'].map((name) => path.join(dir, name)));
    expect(requests.take().map((file) => path.basename(file)).sort()).toEqual(all);
  });

  it('fine-tuning reads the same names as sharp photos, GIF aside with its reason', async () => {
    const report = await validateSharpFolder(dir, { minSize: 64 });
    expect(report.valid.map((p) => p.name).sort()).toEqual(names.filter((n) => n.trains).map((n) => n.name).sort());
    expect(report.rejected.map((r) => [r.name, r.reason])).toEqual([
      ['notes.txt', 'not a photo (expected JPEG, PNG, TIFF, WebP or HEIF/AVIF files)'],
      ['photo-gif.gif', 'GIF files are not used for fine-tuning: their 256 dithered colours would be learnt as detail'],
    ]);
  });

  it('a blur/ + sharp/ folder of .jpe pairs is found and checked like .jpg pairs', async () => {
    const pngs = path.join(dir, 'png-pairs');
    await makeGoproPairsFolder(pngs);
    const jpes = path.join(dir, 'jpe-pairs');
    for (const side of ['blur', 'sharp']) {
      await mkdir(path.join(jpes, side), { recursive: true });
      for (const name of (await discoverPairs(pngs)).pairs.map((p) => p.name)) {
        // Letter case may differ between the sides, as for any pair.
        const out = path.join(jpes, side, side === 'blur' ? `${name}.jpe` : `${name}.JPE`);
        await sharp(await readFile(path.join(pngs, side, `${name}.png`))).jpeg({ quality: 95 }).toFile(out);
      }
    }
    const report = await validatePairs(jpes);
    expect(report.rejected).toEqual([]);
    expect(report.unmatched).toEqual([]);
    expect(report.valid.map((p) => path.basename(p.blurred))).toHaveLength(3);
    expect(report.valid.every((p) => p.blurred.endsWith('.jpe') && p.sharp.endsWith('.JPE'))).toBe(true);
  });
});
