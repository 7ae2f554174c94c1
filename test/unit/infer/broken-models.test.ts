import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deblurRgb } from '../../../model/src/infer/deblur.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { resolveModel } from '../../../model/src/models/library.js';
import { buildBrokenModelOnnx, installModel, type BrokenKind } from '../../fixtures/broken-models.js';

/**
 * A user's model that loads but is broken fails the deblur in words that name it, instead of a
 * black photo reported as done or ONNX Runtime's own text (review of 2026-12-07).
 */
const photo = path.resolve(import.meta.dirname, '../../../../shared/data/gopro-official/Flower_blur1.png');
const W = 150;
const H = 110;
let tmp: string;
let rgb: Float32Array;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-broken-models-'));
  const raw = await sharp(photo).extract({ left: 500, top: 300, width: W, height: H }).removeAlpha().raw().toBuffer();
  rgb = Float32Array.from(raw, (v) => v / 255);
});
afterAll(async () => {
  await releaseSessions();
  await rm(tmp, { recursive: true, force: true });
});

const deblurWith = async (kind: BrokenKind, tileSize?: number) => {
  const model = await installModel(tmp, kind, buildBrokenModelOnnx(kind));
  return deblurRgb(rgb, W, H, { model, strength: 1, ...(tileSize ? { tileSize } : {}) }).then(() => null, (e: unknown) => e);
};

describe('a model that runs but returns no usable image', () => {
  it.each(['nan-output', 'infinite-output'] as const)('%s: INFERENCE_FAILED naming the model, not a black photo', async (kind) => {
    expect(await deblurWith(kind)).toMatchObject({
      code: 'INFERENCE_FAILED',
      message: `The model "${kind}" produced invalid values (not numbers, or infinite) instead of an image, so it cannot deblur photos. Use the base model, or remove this one.`,
    });
  });

  it('one whose output is half the size: says so, not ORT’s message about pre-allocated outputs', async () => {
    // 150 × 110 pads to 152 × 112 (size multiple 4): one tile.
    expect(await deblurWith('half-size')).toMatchObject({
      code: 'INFERENCE_FAILED',
      message: 'The model "half-size" returns a 76×56 image for a 152×112 tile; Unshake needs a model whose output is the same size as its input, with its 3 colour channels.',
    });
  });
});

describe('a margin whose smallest tile does not fit in memory', () => {
  it('is refused for a photo larger than one tile may be, instead of running it as one window', async () => {
    const { manifest, onnxPath } = await resolveModel('placeholder');
    // The reviewer's manifest (margin 1000 → tiles of at least 4020 px); the schema now refuses it,
    // so it comes here as an object. 1600 × 1200 as one window is ~2 GB by the engine's estimate.
    const wide = { manifest: { ...manifest, id: 'wide', io: { ...manifest.io, receptiveFieldMargin: 1000 } }, onnxPath };
    const big = new Float32Array(1600 * 1200 * 3).fill(0.5);
    const error = await deblurRgb(big, 1600, 1200, { model: wide, strength: 1 }).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect((error as Error).message).toMatch(
      /^The model "wide" needs tiles of at least 4020 px \(its manifest's receptiveFieldMargin is 1000 px\), so this 1600×1200 photo would run in 1600×1200 px windows needing about 2\.0 GB each; at most \d+\.\d GB can be used for one tile here \(\d+\.\d GB of memory is free\)\. Free some memory, or use a model with a smaller margin\.$/,
    );
    // A photo no larger than one tile may be still runs, as one window.
    expect((await deblurRgb(rgb, W, H, { model: wide, strength: 1 })).tiles).toBe(1);
  });
});
