import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { validationCrop } from '../../../model/src/train/crop-sampler.js';
import { validatePairs } from '../../../model/src/train/pairs.js';
import { sharedData } from './helpers.js';

describe('lining up camera-size pairs', () => {
  it('matches a 4800×3200 frame framed 7 px left and 5 px down to the pixel, through the in-between level', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-large-pair-'));
    const photo = await sharp(path.join(sharedData('photos-extra'), 'DIV2K-valid', '0830.jpg')).resize(4840, 3240, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: 4840, height: 3240, channels: photo.info.channels } };
    for (const [sub, left, top] of [['blur', 20, 20], ['sharp', 13, 25]] as const) {
      await mkdir(path.join(dir, sub));
      // The blurred side 10 levels darker: the same picture on both sides would be skipped as nothing to learn.
      await sharp(photo.data, raw).extract({ left, top, width: 4800, height: 3200 }).linear(1, sub === 'blur' ? -10 : 0).jpeg({ quality: 95 }).toFile(path.join(dir, sub, 'p.jpg'));
    }
    const checked: number[] = [];
    const report = await validatePairs(dir, { minSize: 64 }, (n, total) => checked.push(n, total));
    expect(checked).toEqual([0, 1, 1, 1]);
    const pair = report.valid[0]!;
    expect(pair.shift).toEqual({ dx: 7, dy: -5 });
    const held = await validationCrop(pair, 256);
    // The same JPEG-coded photo, 10 levels apart: only that and coding noise stay between the two crops.
    let worst = 0;
    for (let i = 0; i < held.sharp.length; i++) worst = Math.max(worst, Math.abs(held.sharp[i]! - held.blurred[i]!));
    expect(worst).toBeLessThan(40);
  });
});
