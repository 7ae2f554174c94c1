import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEngineCommand } from '../../../electron/workers/engine-handlers.js';
import { deblurFile } from '../../../model/src/infer/deblur-file.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';

/** The file pipeline on the streaming engine: timings, in-place result, and the pixel limit. */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/gopro-official/Flower_blur1.png');
let dir = '';
let input = '';

beforeAll(async () => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-deblur-file-'));
  input = path.join(dir, 'in.jpg');
  await sharp(photo).extract({ left: 200, top: 100, width: 300, height: 200 }).jpeg({ quality: 95 }).toFile(input);
});
afterAll(async () => {
  await releaseSessions();
  await rm(dir, { recursive: true, force: true });
});

describe('deblurFile on the streaming engine', () => {
  it('writes the result and says where the time went', async () => {
    const outPath = path.join(dir, 'out.png');
    const result = await deblurFile(input, { outPath, modelId: 'placeholder', tileSize: 64, preferredProvider: 'cpu' });
    expect(result).toMatchObject({ width: 300, height: 200, tileSize: 64 });
    expect(result.tiles).toBeGreaterThan(6);
    const { decode, deblur, encode, networkSeconds } = result.timings;
    expect(networkSeconds).toBeGreaterThan(0);
    expect(networkSeconds).toBeLessThanOrEqual(deblur);
    expect(decode + deblur + encode).toBeLessThanOrEqual(result.seconds);
    expect(result.accumulator).toEqual({ rows: 64, width: 300, bytes: 64 * 300 * 12 });
    const [a, b] = await Promise.all([sharp(input).raw().toBuffer(), sharp(outPath).raw().toBuffer()]);
    expect(b.length).toBe(a.length);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a photo above the pixel limit before decoding, and leaves no output; the advice is the caller\'s', async () => {
    const outPath = path.join(dir, 'big.png');
    const error = await deblurFile(input, { outPath, modelId: 'placeholder', maxMegapixels: 0.05 }).catch((e: unknown) => e);
    // The engine alone names no setting: the app and the CLI set the limit in different places.
    expect(error).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: 'in.jpg is 0.1 megapixels, over the 0.05-megapixel limit that keeps deblurring within memory. Raise the limit, or downscale the photo.' });
    const advised = await deblurFile(input, { outPath, modelId: 'placeholder', maxMegapixels: 0.05, limitAdvice: 'Try --max-megapixels.' }).catch((e: unknown) => e);
    expect(advised).toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/within memory\. Try --max-megapixels\.$/) });
    expect(existsSync(outPath)).toBe(false);
  });

  it('the worker passes its maxMegapixels (from settings) to the same check', async () => {
    const outPath = path.join(dir, 'worker.png');
    const request = { path: input, outPath, strength: 1, modelId: 'placeholder', userModelsDir: path.join(dir, 'models'), preferredProvider: 'cpu' };
    const context = { signal: new AbortController().signal, onProgress: () => {} };
    // The app's limit is its Output panel's setting, and the message says where to raise it.
    await expect(runEngineCommand('deblur', { ...request, maxMegapixels: 0.05 }, context)).rejects.toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      message: expect.stringMatching(/within memory\. Raise the limit \(Largest photo, in the app's Output panel\), or downscale the photo\.$/),
    });
    expect(await readdir(dir)).not.toContain('worker.png');
    await expect(runEngineCommand('deblur', { ...request, maxMegapixels: 1 }, context)).resolves.toMatchObject({ width: 300, height: 200 });
    expect(existsSync(outPath)).toBe(true);
  });

  it('the worker refuses a selection that selects nothing, saying why, before any tile runs', async () => {
    const outPath = path.join(dir, 'empty-mask.png');
    const request = { path: input, outPath, strength: 1, modelId: 'placeholder', userModelsDir: path.join(dir, 'models'), preferredProvider: 'cpu', maxMegapixels: 1 };
    const progress: string[] = [];
    const context = { signal: new AbortController().signal, onProgress: (p: { stage: string }) => progress.push(p.stage) };
    const mask = { shapes: [{ kind: 'rect', x: 0, y: 0, width: 300, height: 200 }], feather: 0, invert: true };
    await expect(runEngineCommand('deblur', { ...request, mask }, context)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/inverted selection covers nothing/),
    });
    expect(progress.some((stage) => stage.startsWith('Tile'))).toBe(false);
    expect(existsSync(outPath)).toBe(false);
  });

  it('opening uses the settings’ limit too: inspect and preview take it from the request', async () => {
    const context = { signal: new AbortController().signal, onProgress: () => {} };
    for (const [command, extra] of [['inspect', {}], ['preview', { maxEdge: 64 }]] as const) {
      await expect(runEngineCommand(command, { path: input, maxMegapixels: 0.05, ...extra }, context), command).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringMatching(/in the app's Output panel/) });
      await expect(runEngineCommand(command, { path: input, maxMegapixels: 1, ...extra }, context), command).resolves.toBeTruthy();
    }
  });

  it('"Same" names its default result by what the photo is: a PNG named x.jpg gives x-unshaken.png, then x-unshaken-2.png', async () => {
    const misnamed = path.join(dir, 'x.jpg');
    await sharp(input).png().toFile(misnamed);
    for (const name of ['x-unshaken.png', 'x-unshaken-2.png']) {
      const result = await deblurFile(misnamed, { modelId: 'placeholder', preferredProvider: 'cpu' });
      expect(result.outPath).toBe(path.join(dir, name));
      expect((await sharp(result.outPath).metadata()).format).toBe('png');
    }
  });
});
