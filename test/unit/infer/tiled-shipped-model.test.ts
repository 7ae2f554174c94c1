import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { deblurRgb } from '../../../model/src/infer/deblur.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { minimumTileSize } from '../../../model/src/infer/tiler.js';
import { resolveModel } from '../../../model/src/models/library.js';

/**
 * The shipped model's tile margin is measured (model/base/export_onnx.py), not the theoretical
 * receptive field: this proves that margin is enough — many small tiles give the whole-image
 * result within 1/255 on real photos, so no seam can show.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photos = ['gopro-official/Istanbul_blur1.png', 'levin/im3_kernel5_img.png'].map((p) => path.resolve(repoRoot, '../shared/data', p));
afterAll(() => releaseSessions());

describe('the shipped model tiled with its measured margin', () => {
  it.each(photos)('equals whole-image inference within 1/255 on %s', async (photo) => {
    if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
    const model = await resolveModel('base');
    expect(model.manifest.placeholder).toBe(false);
    const { receptiveFieldMargin: margin, theoreticalReceptiveField } = model.manifest.io;
    expect(margin).toBeLessThanOrEqual(theoreticalReceptiveField ?? margin);
    const meta = await sharp(photo).metadata();
    const W = Math.min(320, meta.width!);
    const H = Math.min(240, meta.height!);
    const raw = await sharp(photo).removeAlpha().toColourspace('srgb').extract({ left: 0, top: 0, width: W, height: H }).raw().toBuffer();
    const rgb = Float32Array.from(raw, (v) => v / 255);
    const whole = await deblurRgb(rgb, W, H, { model, strength: 1, tileSize: 1024 });
    // The smallest tile the geometry allows for this margin (a tinier request is raised to it): the
    // most seams per pixel, seams across both axes (2 × 2 windows or more).
    const tiled = await deblurRgb(rgb, W, H, { model, strength: 1, tileSize: 16 });
    expect(tiled.tileSize).toBe(minimumTileSize(margin, model.manifest.io.sizeMultiple));
    expect(whole.tiles).toBe(1);
    expect(tiled.tiles).toBeGreaterThanOrEqual(4);
    // Away from the image's own borders (8 px), as the issue states: there the two runs pad an
    // odd-sized edge to the model's size multiple differently, which is not a seam.
    let max = 0;
    for (let y = 8; y < H - 8; y++) {
      for (let i = (y * W + 8) * 3; i < (y * W + W - 8) * 3; i++) max = Math.max(max, Math.abs(whole.rgb[i]! - tiled.rgb[i]!));
    }
    expect(max).toBeLessThanOrEqual(1 / 255);
    // The model does change the photo, so the comparison is not between two copies of the input.
    let moved = 0;
    for (let i = 0; i < rgb.length; i++) moved = Math.max(moved, Math.abs(whole.rgb[i]! - rgb[i]!));
    expect(moved).toBeGreaterThan(2 / 255);
  });
});
