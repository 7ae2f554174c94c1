import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { augment, CropSampler } from '../../../model/src/train/crop-sampler.js';
import { discoverPairs } from '../../../model/src/train/pair-discovery.js';
import { greyDecodes } from '../../../model/src/train/pair-grey.js';
import { splitPairs, validatePairs, type TrainingPair } from '../../../model/src/train/pairs.js';
import { prepareTrainingData } from '../../../model/src/train/training-data.js';
import { Rng } from '../../../model/src/train/random.js';
import { makeGoproPairsFolder, sharedData } from './helpers.js';

let tmp: string;
let texture: Buffer; // 160×160 RGB noise, smoothed a little so shifts are measurable

/** A 96×80 window of the texture at (left, top), optionally blurred, as PNG. */
async function windowPng(left: number, top: number, blur: boolean, width = 96, height = 80): Promise<Buffer> {
  const img = sharp(texture, { raw: { width: 160, height: 160, channels: 3 } }).extract({ left, top, width, height });
  return (blur ? img.blur(1.2) : img).png().toBuffer();
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-pairs-'));
  texture = await sharp({ create: { width: 160, height: 160, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .blur(1)
    .raw()
    .toBuffer();
});

describe('pair discovery and validation', () => {
  it('checks blur/ + sharp/ folders pair by pair and says why each bad one is skipped', async () => {
    const dir = path.join(tmp, 'folders');
    await mkdir(path.join(dir, 'blur'), { recursive: true });
    await mkdir(path.join(dir, 'sharp'), { recursive: true });
    const put = (sub: string, name: string, data: Buffer | string) => writeFile(path.join(dir, sub, name), data);
    await put('blur', 'good.png', await windowPng(20, 20, true));
    await put('sharp', 'good.png', await windowPng(20, 20, false));
    await put('blur', 'bigger.png', await windowPng(30, 30, true));
    await put('sharp', 'bigger.png', await windowPng(28, 28, false, 100, 84)); // 4 px larger, same centre
    await put('blur', 'shifted.png', await windowPng(40, 40, true));
    await put('sharp', 'shifted.png', await windowPng(52, 40, false)); // content moved by 12 px: lined up
    await put('blur', 'far.png', await windowPng(30, 40, true));
    await put('sharp', 'far.png', await windowPng(48, 40, false)); // 18 px: more than is lined up
    await put('blur', 'broken.png', 'not an image');
    await put('sharp', 'broken.png', await windowPng(0, 0, false));
    await put('blur', 'huge-diff.png', await windowPng(0, 0, true, 96, 80));
    await put('sharp', 'huge-diff.png', await windowPng(0, 0, false, 60, 80));
    await copyFile(path.join(dir, 'blur/good.png'), path.join(dir, 'blur/again.png'));
    await copyFile(path.join(dir, 'sharp/good.png'), path.join(dir, 'sharp/again.png'));
    await put('blur', 'lonely.png', await windowPng(0, 0, true));

    const report = await validatePairs(dir);
    expect(report.layout).toBe('folders');
    const reasons = Object.fromEntries(report.rejected.map((r) => [r.name, r.reason]));
    expect(reasons.broken).toMatch(/^unreadable: .*broken\.png/);
    expect(reasons.far).toBe('misaligned: the sharp photo is framed 18 px further right than the blurred one (about 18 px off), ' +
      'more than the 16 px that are lined up; crop both photos to the same view (a different framing, zoom or rotation cannot be lined up)');
    expect(reasons['huge-diff']).toMatch(/size mismatch: blurred 96×80, sharp 60×80/);
    // "again" sorts before "good", so "good" is the one reported as the copy.
    expect(reasons.good).toBe('duplicate of pair "again"');
    const bigger = report.valid.find((p) => p.name === 'bigger')!;
    expect(bigger.note).toMatch(/differ by 4×4 px; both centre-cropped to 96×80/);
    expect(bigger.sharpRegion).toEqual({ left: 2, top: 2, width: 96, height: 80 });
    expect(bigger.shift).toEqual({ dx: 0, dy: 0 });
    const shifted = report.valid.find((p) => p.name === 'shifted')!;
    expect(shifted.shift).toEqual({ dx: -12, dy: 0 });
    expect([shifted.blurRegion, shifted.sharpRegion]).toEqual([{ left: 12, top: 0, width: 84, height: 80 }, { left: 0, top: 0, width: 84, height: 80 }]);
    expect(shifted.note).toBe('realigned by 12 px: the sharp photo is framed 12 px further right than the blurred one; training uses the 84×80 px both show');
    expect(report.valid.map((p) => p.name).sort()).toEqual(['again', 'bigger', 'shifted']);
    expect(report.unmatched).toEqual([{ file: path.join(dir, 'blur/lonely.png'), reason: 'no sharp/lonely.* to pair with', side: 'blurred' }]);
  });

  it('pairs *_blur / *_sharp siblings and applies EXIF orientation before comparing', async () => {
    const dir = path.join(tmp, 'siblings');
    await mkdir(dir);
    // The blurred JPEG is stored sideways with orientation 6 (camera held vertically); upright it matches the PNG.
    const sideways = await sharp(await windowPng(10, 10, true)).rotate(-90).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    await writeFile(path.join(dir, 'street_blur.jpg'), sideways);
    await writeFile(path.join(dir, 'street_sharp.png'), await windowPng(10, 10, false));
    const report = await validatePairs(dir);
    expect(report.layout).toBe('siblings');
    expect(report.rejected).toEqual([]);
    expect(report.valid).toHaveLength(1);
    expect(report.valid[0]!.blurRegion).toEqual({ left: 0, top: 0, width: 96, height: 80 });
  });

  it('reads index.tsv (gopro-train-pairs) and holds out 20 % (at least one pair)', async () => {
    const dir = sharedData('gopro-train-pairs');
    const found = await discoverPairs(dir);
    expect(found.layout).toBe('index.tsv');
    const report = await validatePairs(dir);
    expect(report.rejected).toEqual([]);
    expect(report.valid.length).toBe(found.pairs.length);
    const split = splitPairs(report.valid, 0.2, 7);
    expect(split.validation).toHaveLength(Math.max(1, Math.round(found.pairs.length * 0.2)));
    expect(new Set([...split.train, ...split.validation].map((p) => p.name)).size).toBe(found.pairs.length);
    expect(splitPairs(report.valid, 0.2, 7).validation.map((p) => p.name)).toEqual(split.validation.map((p) => p.name));
  });

  it('matches names whatever their letter case, and skips names that only letter case tells apart', async () => {
    // An export step that writes lower-case names: blur/IMG_1000.JPG pairs with sharp/img_1000.png.
    const dir = path.join(tmp, 'letter-case');
    await mkdir(path.join(dir, 'blur'), { recursive: true });
    await mkdir(path.join(dir, 'sharp'), { recursive: true });
    const put = (sub: string, name: string, data: Buffer) => writeFile(path.join(dir, sub, name), data);
    await put('blur', 'IMG_1000.JPG', await sharp(await windowPng(20, 20, true)).jpeg({ quality: 95 }).toBuffer());
    await put('sharp', 'img_1000.png', await windowPng(20, 20, false));
    // Two sharp files named alike apart from case (Linux allows it): which one is the target is not clear.
    await put('blur', 'IMG_1001.png', await windowPng(40, 40, true));
    await put('sharp', 'IMG_1001.png', await windowPng(40, 40, false));
    await put('sharp', 'img_1001.png', await windowPng(40, 40, false));
    const report = await validatePairs(dir);
    expect(report.valid.map((p) => [p.name, path.basename(p.blurred), path.basename(p.sharp)])).toEqual([['IMG_1000', 'IMG_1000.JPG', 'img_1000.png']]);
    const ambiguous = 'ambiguous: sharp/IMG_1001.png and sharp/img_1001.png have the same name apart from letter case or extension; keep one of them so each photo has one partner';
    expect(report.unmatched).toEqual([
      { file: path.join(dir, 'blur/IMG_1001.png'), reason: ambiguous, side: 'blurred' },
      { file: path.join(dir, 'sharp/IMG_1001.png'), reason: ambiguous, side: 'sharp' },
      { file: path.join(dir, 'sharp/img_1001.png'), reason: ambiguous, side: 'sharp' },
    ]);

    const siblings = path.join(tmp, 'letter-case-siblings');
    await mkdir(siblings);
    await writeFile(path.join(siblings, 'Street_Blur.JPG'), await sharp(await windowPng(10, 10, true)).jpeg({ quality: 95 }).toBuffer());
    await writeFile(path.join(siblings, 'street_sharp.png'), await windowPng(10, 10, false));
    const found = await discoverPairs(siblings);
    expect([found.pairs.map((p) => p.name), found.unmatched]).toEqual([['Street'], []]);
  });

  it('skips a pair whose blurred photo is the sharp one again (another format, a re-saved JPEG): nothing to learn', async () => {
    // A real GoPro pair, cut to 320×240: its blurred half again, losslessly as TIFF and as a JPEG q 90, poses as the sharp photo.
    const dir = path.join(tmp, 'same-picture');
    await mkdir(path.join(dir, 'blur'), { recursive: true });
    await mkdir(path.join(dir, 'sharp'), { recursive: true });
    const gopro = sharedData('gopro-train-pairs');
    const cut = (file: string) => sharp(path.join(gopro, file)).extract({ left: 480, top: 240, width: 320, height: 240 });
    const blurred = await cut('GOPR0374_11_00_st_frame-614_n_avg-8.png').png().toBuffer();
    for (const name of ['real', 'tiff', 'jpeg']) await writeFile(path.join(dir, 'blur', `${name}.png`), blurred);
    await cut('GOPR0374_11_00_st_frame-614_n_avg-8_gt.png').png().toFile(path.join(dir, 'sharp/real.png'));
    await sharp(blurred).tiff({ compression: 'lzw' }).toFile(path.join(dir, 'sharp/tiff.tif'));
    await sharp(blurred).jpeg({ quality: 90 }).toFile(path.join(dir, 'sharp/jpeg.jpg'));
    const report = await validatePairs(dir);
    expect(report.valid.map((p) => p.name)).toEqual(['real']);
    const reasons = Object.fromEntries(report.rejected.map((r) => [r.name, r.reason]));
    expect(reasons.tiff).toBe('the blurred and sharp photos are the same picture (identical pixels): nothing to learn; pair each blurred photo with a sharp photo of the same scene');
    expect(reasons.jpeg).toMatch(/^the blurred and sharp photos are the same picture \(their pixels differ by no more than a re-saved copy's \(5\d\.\d dB\) and the blurred one is as detailed\): nothing to learn/);
  });

  it('decodes each photo once for both the shift search and the same-picture test', async () => {
    // A 24 MP file takes about a second to decode: the same-picture test used to decode both again.
    const dir = path.join(tmp, 'decoded-once');
    await makeGoproPairsFolder(dir);
    const before = greyDecodes();
    const report = await validatePairs(dir);
    expect(report.valid).toHaveLength(3);
    expect(greyDecodes() - before).toBe(6);
  });

  it('a pair whose file is cut short fails alone, named, after its header read fine', async () => {
    const dir = path.join(tmp, 'truncated');
    await mkdir(path.join(dir, 'blur'), { recursive: true });
    await mkdir(path.join(dir, 'sharp'), { recursive: true });
    const put = (sub: string, name: string, data: Buffer) => writeFile(path.join(dir, sub, name), data);
    await put('blur', 'ok.png', await windowPng(20, 20, true));
    await put('sharp', 'ok.png', await windowPng(20, 20, false));
    const whole = await sharp(await windowPng(30, 30, false)).jpeg({ quality: 95 }).toBuffer();
    await put('blur', 'cut.png', await windowPng(30, 30, true));
    await put('sharp', 'cut.jpg', whole.subarray(0, Math.floor(whole.length / 2))); // a download cut in half
    const report = await validatePairs(dir);
    expect(report.valid.map((p) => p.name)).toEqual(['ok']);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.reason).toMatch(/^damaged or truncated: .*sharp\/cut\.jpg \(/);
  });

  it('names index.tsv pairs by their listed path, so rows from different folders with one file name stay apart', async () => {
    const dir = path.join(tmp, 'index-same-names');
    for (const seq of ['seqA', 'seqB', 'seqC']) {
      await mkdir(path.join(dir, seq, 'blur'), { recursive: true });
      await mkdir(path.join(dir, seq, 'sharp'), { recursive: true });
    }
    const at = { seqA: 10, seqB: 40, seqC: 60 } as const;
    for (const [seq, offset] of Object.entries(at)) {
      await writeFile(path.join(dir, seq, 'blur', '000047.png'), await windowPng(offset, offset, true));
      await writeFile(path.join(dir, seq, 'sharp', '000047.png'), await windowPng(offset, offset, false));
    }
    const rows = Object.keys(at).map((seq) => `${seq}/blur/000047.png\t${seq}/sharp/000047.png`);
    await writeFile(path.join(dir, 'index.tsv'), ['blurred\tsharp', ...rows].join('\n'));
    const report = await validatePairs(dir);
    expect(report.valid.map((p) => p.name)).toEqual(['seqA/blur/000047', 'seqB/blur/000047', 'seqC/blur/000047']);
    // The sampler decodes each pair's own files (it cached them by the shared name before).
    const sampler = new CropSampler(report.valid, { crop: 80, batch: 3, rng: new Rng(5) });
    for (let i = 0; i < 4; i++) await sampler.nextBatch();
    expect(sampler.cachedPairs).toBe(3);
  });

  it('resumes a run saved before pairs were named by path: a bare file stem still finds its one pair', async () => {
    const dir = path.join(tmp, 'index-old-names');
    for (const [seq, stem, offset] of [['seqA', 'a1', 10], ['seqB', 'b1', 40]] as const) {
      await mkdir(path.join(dir, seq, 'blur'), { recursive: true });
      await mkdir(path.join(dir, seq, 'sharp'), { recursive: true });
      await writeFile(path.join(dir, seq, 'blur', `${stem}.png`), await windowPng(offset, offset, true));
      await writeFile(path.join(dir, seq, 'sharp', `${stem}.png`), await windowPng(offset, offset, false));
    }
    await writeFile(path.join(dir, 'index.tsv'), 'blurred\tsharp\nseqA/blur/a1.png\tseqA/sharp/a1.png\nseqB/blur/b1.png\tseqB/sharp/b1.png\n');
    const data = await prepareTrainingData(
      { pairsDir: dir, crop: 32, batch: 1, validationFraction: 0.5, validationCrop: 32, seed: 1, saved: { train: ['a1'], validation: ['b1'] } },
      () => {},
    );
    expect([data.train, data.validation]).toEqual([['seqA/blur/a1'], ['seqB/blur/b1']]);
  });

  it('keeps pairs that share one sharp image (tripod reference, several handheld shots) on one side of the split', () => {
    const region = { left: 0, top: 0, width: 64, height: 64 };
    const pair = (name: string, target: string): TrainingPair => ({
      name, blurred: `/p/${name}.jpg`, sharp: `/p/${target}.png`, blurRegion: region, sharpRegion: region, shift: { dx: 0, dy: 0 }, sharpHash: target, note: null,
    });
    const pairs = [pair('shot1', 'tripod'), pair('shot2', 'tripod'), pair('shot3', 'tripod'), pair('a', 'a'), pair('b', 'b'), pair('c', 'c')];
    for (let seed = 1; seed <= 20; seed++) {
      const split = splitPairs(pairs, 0.2, seed);
      const side = (name: string) => (split.train.some((p) => p.name === name) ? 'train' : 'validation');
      expect(new Set(['shot1', 'shot2', 'shot3'].map(side)).size, `seed ${seed}`).toBe(1);
      expect(split.train.length + split.validation.length).toBe(pairs.length);
      expect(split.train.length).toBeGreaterThan(0);
      expect(split.validation.length).toBeGreaterThan(0);
    }
    const oneScene = splitPairs(pairs.slice(0, 3));
    expect(oneScene.validation).toHaveLength(3);
    expect(oneScene.note).toMatch(/All 3 valid pairs share one sharp image/);
  });

  it('a folder with no pairs at all says what it lacks, and how pairs are laid out', async () => {
    const reasonFor = (o: { pairsDir?: string; sharpDir?: string }) =>
      prepareTrainingData({ ...o, crop: 32, batch: 1, validationFraction: 0.5, validationCrop: 32, seed: 1 }, () => {}).then(
        () => 'started',
        (error: Error) => error.message,
      );
    const empty = path.join(tmp, 'none-empty');
    await mkdir(empty);
    expect(await reasonFor({ pairsDir: empty })).toMatch(/none-empty is empty\. Put the blurred photos in a blur folder and their sharp versions, under the same names, in a sharp folder/);
    const blurOnly = path.join(tmp, 'none-blur-only');
    await mkdir(path.join(blurOnly, 'blur'), { recursive: true });
    await writeFile(path.join(blurOnly, 'blur', 'a.png'), await windowPng(0, 0, true));
    expect(await reasonFor({ pairsDir: blurOnly })).toMatch(/none-blur-only has a blur folder but no sharp folder beside it, so no photo has a partner\./);
    const photos = path.join(tmp, 'none-photos');
    await mkdir(photos);
    for (const name of ['a.png', 'b.png']) await writeFile(path.join(photos, name), await windowPng(0, 0, false));
    expect(await reasonFor({ pairsDir: photos })).toMatch(/none-photos holds 2 photos but no pairs\. .*; to train on sharp photos alone, use sharp photos only \(--sharp\)\.$/);
    // A parent of the pairs' folders: the subfolders that hold pairs are named, one level down only.
    const parent = path.join(tmp, 'none-parent');
    for (const side of ['blur', 'sharp']) {
      await mkdir(path.join(parent, 'session1', side), { recursive: true });
      await writeFile(path.join(parent, 'session1', side, 'a.png'), await windowPng(0, 0, side === 'blur'));
    }
    await mkdir(path.join(parent, 'notes'));
    await mkdir(path.join(parent, 'deeper', 'session3', 'blur'), { recursive: true });
    await mkdir(path.join(parent, 'deeper', 'session3', 'sharp'), { recursive: true });
    expect(await reasonFor({ pairsDir: parent })).toBe(`${parent} holds no photos itself; its subfolder session1 does, and subfolders are not read: choose that folder instead.`);
    await mkdir(path.join(parent, 'session2'));
    for (const name of ['x_blur.png', 'x_sharp.png']) await writeFile(path.join(parent, 'session2', name), await windowPng(0, 0, name.includes('blur')));
    expect(await reasonFor({ pairsDir: parent })).toBe(`${parent} holds no photos itself; its subfolders session1, session2 do, and subfolders are not read: choose one of them instead.`);
    // Sharp photos only, given a folder of pairs (or nothing).
    const pairs = path.join(tmp, 'pairs-not-sharp');
    for (const sub of ['blur', 'sharp']) {
      await mkdir(path.join(pairs, sub), { recursive: true });
      await writeFile(path.join(pairs, sub, 'a.png'), await windowPng(0, 0, sub === 'blur'));
    }
    expect(await reasonFor({ sharpDir: pairs })).toBe(`${pairs} holds blur/ and sharp/ folders of pairs, not sharp photos: train on blurred + sharp pairs (--pairs) instead.`);
    expect(await reasonFor({ sharpDir: empty })).toBe(`${empty} holds no photos (its subfolders are not read).`);
  });

  it('never starts on zero pairs', () => {
    expect(() => splitPairs([])).toThrow(/No valid training pairs/);
  });
});

describe('streaming crops', () => {
  it('cuts the same random crop, flip and rotation from both images', async () => {
    const files = await Promise.all([0, 1, 2].map(async (i) => {
      const file = path.join(tmp, `same-${i}.png`);
      await writeFile(file, await windowPng(i * 20, i * 10, false));
      return file;
    }));
    const region = { left: 0, top: 0, width: 96, height: 80 };
    // Blurred and sharp are the same file, so any mismatch in crop/augmentation shows as a difference.
    const pairs: TrainingPair[] = files.map((f, i) => ({ name: `p${i}`, blurred: f, sharp: f, blurRegion: region, sharpRegion: region, shift: { dx: 0, dy: 0 }, sharpHash: `h${i}`, note: null }));
    // The bound on decoded pairs is crop-sampler.test.ts's.
    const sampler = new CropSampler(pairs, { crop: 32, batch: 3, rng: new Rng(3) });
    for (let step = 0; step < 4; step++) {
      const batch = await sampler.nextBatch();
      expect(batch.shape).toEqual([3, 32, 32, 3]);
      expect(Array.from(batch.blurred)).toEqual(Array.from(batch.sharp));
      expect(Math.min(...batch.blurred)).toBeGreaterThanOrEqual(-1);
      expect(Math.max(...batch.blurred)).toBeLessThanOrEqual(1);
    }
    const again = new CropSampler(pairs, { crop: 32, batch: 3, rng: new Rng(3) });
    const other = new CropSampler(pairs, { crop: 32, batch: 3, rng: new Rng(4) });
    const first = await again.nextBatch();
    expect(Array.from(first.blurred)).toEqual(Array.from((await new CropSampler(pairs, { crop: 32, batch: 3, rng: new Rng(3) }).nextBatch()).blurred));
    expect(Array.from(first.blurred)).not.toEqual(Array.from((await other.nextBatch()).blurred));
  });

  it('flips and rotates square crops exactly', () => {
    // 2×2 RGB crop with pixels a b / c d (one value per pixel repeated over channels).
    const px = (...v: number[]) => Uint8Array.from(v.flatMap((x) => [x, x, x]));
    const src = px(1, 2, 3, 4);
    expect(augment(src, 2, false, 1)).toEqual(px(3, 1, 4, 2));
    expect(augment(src, 2, true, 0)).toEqual(px(2, 1, 4, 3));
    expect(augment(src, 2, false, 4)).toEqual(src);
  });
});
