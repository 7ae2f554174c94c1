import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { psnr } from '../../../model/src/eval/metrics.js';
import { formatDataReport } from '../../../model/src/train/cli-train-format.js';
import { CropSampler, validationCrop } from '../../../model/src/train/crop-sampler.js';
import { panelDataLines } from '../../../model/src/train/panel-data-lines.js';
import { validatePairs, type TrainingPair } from '../../../model/src/train/pairs.js';
import { Rng } from '../../../model/src/train/random.js';
import { sharedData } from './helpers.js';

/**
 * Pairs cut from gopro-train-pairs as a reviewer did: the sharp file framed a few pixels off its
 * blurred partner, or trimmed on one side. The measured shift must be applied to the crops.
 */
const BLURRED = 'GOPR0374_11_00_st_frame-802_n_avg-10.png';
const SHARP = 'GOPR0374_11_00_st_frame-802_n_avg-10_gt.png';

let tmp: string;

/** A 256² window (or `width` wide) of a gopro-train-pairs file at (400 + dx, 200 + dy), as PNG. */
async function cut(dir: string, sub: string, file: string, dx: number, dy: number, width = 256, darker = 0): Promise<void> {
  await mkdir(path.join(tmp, dir, sub), { recursive: true });
  await sharp(path.join(sharedData('gopro-train-pairs'), file)).extract({ left: 400 + dx, top: 200 + dy, width, height: 256 })
    .linear(1, -darker).png().toFile(path.join(tmp, dir, sub, 'p.png'));
}

/**
 * Whether a crop of the darker copy shows exactly the sharp crop's pixels, DARKER levels down.
 * The exactness fixtures use one photo on both sides, the blurred side darker: the same picture
 * twice would be skipped as nothing to learn, and an even offset leaves the best match where it is.
 */
const DARKER = 10;
function darkerCopyOf(sharpCrop: Uint8Array, darker: Uint8Array): boolean {
  return sharpCrop.length === darker.length && sharpCrop.every((v, i) => Math.max(0, v - DARKER) === darker[i]);
}

async function onlyPair(dir: string): Promise<TrainingPair> {
  const report = await validatePairs(path.join(tmp, dir), { minSize: 64 });
  expect(report.rejected).toEqual([]);
  expect(report.valid).toHaveLength(1);
  return report.valid[0]!;
}

/** PSNR (dB) of the held-out centre crop's blurred input against its sharp target. */
async function inputPsnr(pair: TrainingPair): Promise<number> {
  const c = await validationCrop(pair, 128);
  const unit = (a: Uint8Array) => Float32Array.from(a, (v) => v / 255);
  return psnr(unit(c.blurred), unit(c.sharp));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-align-'));
  await cut('aligned', 'blur', BLURRED, 0, 0);
  await cut('aligned', 'sharp', SHARP, 0, 0);
  await cut('shifted', 'blur', BLURRED, 0, 0);
  await cut('shifted', 'sharp', SHARP, 6, 0); // the sharp file cut 6 px to the right
  await cut('trimmed', 'blur', BLURRED, 0, 0);
  await cut('trimmed', 'sharp', SHARP, 0, 0, 250); // 6 px narrower, trimmed on the right only
  // The same sharp photo on both sides (the blurred side darker), framed 5 px right and 3 px up: lined up, the crops match.
  await cut('exact', 'blur', SHARP, 0, 0, 256, DARKER);
  await cut('exact', 'sharp', SHARP, 5, -3);
});

describe('misaligned pairs are lined up before crops are cut', () => {
  it('applies the measured shift: crops of one photo framed 5 px right, 3 px up come out matching', async () => {
    const pair = await onlyPair('exact');
    expect(pair.shift).toEqual({ dx: -5, dy: 3 });
    expect(pair.blurRegion).toEqual({ left: 5, top: 0, width: 251, height: 253 });
    expect(pair.sharpRegion).toEqual({ left: 0, top: 3, width: 251, height: 253 });
    expect(pair.note).toBe('realigned by 6 px: the sharp photo is framed 5 px further right and 3 px further up than the blurred one; training uses the 251×253 px both show');
    const held = await validationCrop(pair, 256);
    expect(held.edge).toBe(248);
    expect(darkerCopyOf(held.sharp, held.blurred)).toBe(true);
    const sampler = new CropSampler([pair], { crop: 64, batch: 4, rng: new Rng(2) });
    for (let i = 0; i < 3; i++) {
      const batch = await sampler.nextBatch();
      // Network values in [-1, 1]: DARKER levels are DARKER / 127.5 (none below black).
      expect(batch.sharp.every((v, i) => Math.abs(Math.max(-1, v - DARKER / 127.5) - batch.blurred[i]!) < 1e-5)).toBe(true);
    }
  });

  it('a whole 1280×720 frame is matched to the pixel, not to a shrunk pixel (4 px)', async () => {
    const src = path.join(sharedData('gopro-train-pairs'), SHARP);
    for (const [sub, left, top] of [['blur', 0, 0], ['sharp', 3, 2]] as const) {
      await mkdir(path.join(tmp, 'large', sub), { recursive: true });
      await sharp(src).extract({ left, top, width: 1272, height: 712 }).linear(1, sub === 'blur' ? -DARKER : 0).png().toFile(path.join(tmp, 'large', sub, 'p.png'));
    }
    const pair = await onlyPair('large');
    expect(pair.shift).toEqual({ dx: -3, dy: -2 });
    const held = await validationCrop(pair, 256);
    expect(darkerCopyOf(held.sharp, held.blurred)).toBe(true);
  });

  it('a sharp file cut 6 px to the right scores like the aligned pair on held-out crops', async () => {
    const aligned = await onlyPair('aligned');
    const shifted = await onlyPair('shifted');
    // Motion blur pulls the match by a pixel or so either way; the file offset is what must show.
    expect(shifted.shift.dx - aligned.shift.dx).toBe(-6);
    expect(shifted.shift.dy).toBe(aligned.shift.dy);
    expect(shifted.note).toMatch(/^realigned by \d+ px: the sharp photo is framed \d+ px further right/);
    const [a, s] = [await inputPsnr(aligned), await inputPsnr(shifted)];
    expect(Math.abs(s - a), `aligned ${a.toFixed(2)} dB, shifted ${s.toFixed(2)} dB`).toBeLessThan(0.5);
  });

  it('a sharp file trimmed on one side is lined up where its content is, not centre-cropped', async () => {
    const aligned = await onlyPair('aligned');
    const trimmed = await onlyPair('trimmed');
    // Centred, the 250-px sharp file would sit 3 px right of where its content is.
    expect(trimmed.shift.dx - aligned.shift.dx).toBe(3);
    expect(trimmed.note).toMatch(/^sizes differ by 6×0 px; realigned by \d px from centred: /);
    const [a, t] = [await inputPsnr(aligned), await inputPsnr(trimmed)];
    expect(Math.abs(t - a), `aligned ${a.toFixed(2)} dB, trimmed ${t.toFixed(2)} dB`).toBeLessThan(0.5);
  });

  it('the CLI report and the panel’s data line say which pairs were realigned and by how much', async () => {
    const report = await validatePairs(path.join(tmp, 'exact'), { minSize: 64 });
    // One pair: it measures progress too, and the report says it is not held out.
    expect(formatDataReport(report, 1, 1, false)).toBe([
      'pairs: 1 valid (folders), 1 for training, the same 1 to measure progress (not held out), 1 realigned (see the notes)',
      '  note p: realigned by 6 px: the sharp photo is framed 5 px further right and 3 px further up than the blurred one; training uses the 251×253 px both show',
    ].join('\n'));
    const { data } = panelDataLines({ type: 'data', source: 'pairs', report, train: 1, validation: 1, heldOut: false, note: null });
    expect(data).toBe('1 pair: 1 for training, the same 1 to measure progress (not held out); realigned p (6 px)');
  });
});

/**
 * Small pairs that are aligned by construction: too few pixels to match blurred against sharp,
 * which once moved 72-px GoPro crops by up to 18 px or refused them as misaligned.
 */
describe('a shift is used only where it can be measured', () => {
  it('72-px crops cut at one place from a gopro-train-pairs pair are kept as they are, said once', async () => {
    const dir = path.join(tmp, 'tiny');
    for (const [sub, file] of [['blur', BLURRED], ['sharp', SHARP]] as const) {
      await mkdir(path.join(dir, sub), { recursive: true });
      for (let i = 0; i < 16; i++) {
        const [left, top] = [100 + (i % 4) * 290, 80 + Math.floor(i / 4) * 150];
        await sharp(path.join(sharedData('gopro-train-pairs'), file)).extract({ left, top, width: 72, height: 72 }).png().toFile(path.join(dir, sub, `t${String(i).padStart(2, '0')}.png`));
      }
    }
    const report = await validatePairs(dir, { minSize: 64 });
    expect(report.rejected.map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
    expect(report.valid.map((p) => [p.name, p.shift, p.unchecked])).toEqual(report.valid.map((p) => [p.name, { dx: 0, dy: 0 }, 'too-small']));
    expect(report.valid.every((p) => p.note === null)).toBe(true);
    expect(formatDataReport(report, 13, 3, true)).toBe([
      'pairs: 16 valid (folders), 13 for training, 3 held out',
      '  used as they are: 16 pairs too small to check how they line up (that takes about 90×90 px): t00, t01, t02, t03, t04 and 11 more',
    ].join('\n'));
  });

  it('96-px photos blurred with a centred kernel (no shift by construction) are not moved', async () => {
    const kodak = path.join(sharedData('photos-extra'), 'Kodak24');
    const dir = path.join(tmp, 'kodak');
    await mkdir(path.join(dir, 'blur'), { recursive: true });
    await mkdir(path.join(dir, 'sharp'), { recursive: true });
    const n = 11; // a diagonal streak, symmetric about its centre pixel
    const kernel = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    for (let k = 1; k <= 12; k++) {
      const name = `kodim${String(k).padStart(2, '0')}.png`;
      const around = await sharp(path.join(kodak, name)).extract({ left: 100, top: 100, width: 136, height: 136 }).png().toBuffer();
      await sharp(around).extract({ left: 20, top: 20, width: 96, height: 96 }).toFile(path.join(dir, 'sharp', name));
      await sharp(around).convolve({ width: n, height: n, kernel, scale: n }).extract({ left: 20, top: 20, width: 96, height: 96 }).toFile(path.join(dir, 'blur', name));
    }
    const report = await validatePairs(dir, { minSize: 64 });
    expect(report.rejected.map((r) => `${r.name}: ${r.reason}`)).toEqual([]);
    // Measured: 0 or 1 px, one pair 2 px (1, -2); before, three of these twelve came back 17–32 px off.
    const off = report.valid.map((p) => [p.name, Math.max(Math.abs(p.shift.dx), Math.abs(p.shift.dy))] as const).filter(([, d]) => d > 2);
    expect(off).toEqual([]);
  });
});
