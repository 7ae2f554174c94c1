import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rasteriseMask } from '../../../model/src/image/mask-raster.js';
import { deblurRgb } from '../../../model/src/infer/deblur.js';
import { releaseSessions } from '../../../model/src/infer/session-manager.js';
import { resolveModel, type ResolvedModel } from '../../../model/src/models/library.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const photo = path.resolve(repoRoot, '../shared/data/gopro-official/Flower_blur1.png');
const W = 150;
const H = 110;
let model: ResolvedModel;
let rgb: Float32Array;

beforeAll(async () => {
  if (!existsSync(photo)) throw new Error(`Test photo missing: ${photo} (expected ../shared/data next to the repo)`);
  model = await resolveModel('placeholder');
  // A real shaken photo crop, as interleaved RGB 0..1 (the engine's working format).
  const raw = await sharp(photo).extract({ left: 500, top: 300, width: W, height: H }).removeAlpha().raw().toBuffer();
  rgb = Float32Array.from(raw, (v) => v / 255);
});
afterAll(() => releaseSessions());

const run = (options: Partial<Parameters<typeof deblurRgb>[3]> = {}) =>
  deblurRgb(rgb, W, H, { model, strength: 1, ...options });

function maxDiff(a: Float32Array, b: Float32Array, skipBorder = 0): number {
  let max = 0;
  for (let y = skipBorder; y < H - skipBorder; y++) {
    for (let i = (y * W + skipBorder) * 3; i < (y * W + W - skipBorder) * 3; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  }
  return max;
}

/** Bit-exact equality (toEqual on big typed arrays is slow). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function gradientEnergy(img: Float32Array): number {
  let sum = 0;
  for (let i = 3; i < img.length; i++) sum += (img[i]! - img[i - 3]!) ** 2;
  return sum;
}

describe('deblurRgb', () => {
  it('tiled inference equals whole-image inference within 1/255 away from borders', async () => {
    const whole = await run({ tileSize: 1024 });
    const tiled = await run({ tileSize: 32 });
    expect(whole.tiles).toBe(1);
    expect(tiled.tiles).toBeGreaterThan(12);
    expect(maxDiff(whole.rgb, tiled.rgb, 8)).toBeLessThanOrEqual(1 / 255);
    // And the placeholder really sharpens: the output differs and has more edge energy.
    expect(maxDiff(whole.rgb, rgb)).toBeGreaterThan(5 / 255);
    expect(gradientEnergy(whole.rgb)).toBeGreaterThan(gradientEnergy(rgb) * 1.1);
    expect(whole.executionProvider.active).toBe('cpu');
  });

  it('changes nothing outside the mask and the full result inside it', async () => {
    const full = await run({ tileSize: 32 });
    const mask = rasteriseMask({ shapes: [{ kind: 'rect', x: 60, y: 40, width: 30, height: 20 }], feather: 6, invert: false }, W, H);
    const masked = await run({ tileSize: 32, mask });
    expect(masked.tiles).toBeLessThan(full.tiles);
    const counts = { outside: 0, outsideChanged: 0, inside: 0, insideOff: 0 };
    for (let p = 0; p < W * H; p++) {
      for (let c = p * 3; c < p * 3 + 3; c++) {
        if (mask[p] === 0 && masked.rgb[c] !== rgb[c]) counts.outsideChanged++;
        if (mask[p] === 1 && Math.abs(masked.rgb[c]! - full.rgb[c]!) > 1e-6) counts.insideOff++;
      }
      if (mask[p] === 0) counts.outside++;
      if (mask[p] === 1) counts.inside++;
    }
    expect(counts).toMatchObject({ outsideChanged: 0, insideOff: 0 });
    expect(counts.inside).toBeGreaterThan(100);
    expect(counts.outside).toBeGreaterThan(W * H - 44 * 34);
  });

  it('strength 0 is the identity and strength 0.5 goes halfway', async () => {
    const none = await run({ strength: 0 });
    expect(sameBits(none.rgb, rgb)).toBe(true);
    expect(none.rgb).not.toBe(rgb);
    const full = await run();
    const half = await run({ strength: 0.5 });
    const off = half.rgb.filter((v, i) => Math.abs(v - (rgb[i]! + full.rgb[i]!) / 2) > 1e-6).length;
    expect(off).toBe(0);
  });

  it('an empty mask runs no tile and returns the input', async () => {
    const result = await run({ mask: new Float32Array(W * H) });
    expect(result.tiles).toBe(0);
    expect(sameBits(result.rgb, rgb)).toBe(true);
  });

  it('stops at the next tile when cancelled', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const promise = run({
      tileSize: 32,
      signal: controller.signal,
      onProgress: ({ tile, tiles }) => {
        seen.push(tile);
        expect(tiles).toBeGreaterThan(2);
        if (tile === 2) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).toEqual([1, 2]);
  });

  // The app's cancel is a message (or a timer) handled by the event loop once the tile running
  // when it came ends; by then the loop has already read the next tile and asked ORT to run it.
  // Here the abort is queued from tile 2's progress event, as such a message is pending then.
  const queuedAborts: [string, (abort: () => void) => void][] = [
    ['setImmediate', (abort) => setImmediate(abort)],
    [
      'a MessagePort message',
      (abort) => {
        const { port1, port2 } = new MessageChannel();
        port2.once('message', () => {
          abort();
          port2.close();
        });
        port1.postMessage('cancel');
      },
    ],
  ];
  it.each(queuedAborts)('a cancel queued by %s during a tile starts no further tile', async (_, queue) => {
    const controller = new AbortController();
    let afterAbort = 0;
    const promise = run({
      tileSize: 32,
      signal: controller.signal,
      onProgress: ({ tile }) => {
        if (controller.signal.aborted) afterAbort++;
        if (tile === 2) queue(() => controller.abort());
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'CANCELLED' });
    // No tile was in flight when abort() ran: none may finish after it.
    expect(afterAbort).toBe(0);
  });

  it('rejects inconsistent inputs with INVALID_REQUEST', async () => {
    await expect(deblurRgb(rgb.subarray(3), W, H, { model, strength: 1 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(run({ strength: 1.5 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(run({ mask: new Float32Array(5) })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
