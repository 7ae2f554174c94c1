import { describe, expect, it } from 'vitest';
import { fromNetworkRgb, toEightBit, toNetworkRgb } from '../../../model/src/image/colour.js';
import type { RasterImage } from '../../../model/src/image/types.js';

/** Every 8-bit level, or a spread of 16-bit levels including the extremes and odd values. */
function raster(channels: RasterImage['channels'], bitDepth: 8 | 16): RasterImage {
  const width = 257;
  const height = 3;
  const count = width * height * channels;
  const pixels = bitDepth === 16 ? new Uint16Array(count) : new Uint8Array(count);
  const max = bitDepth === 16 ? 65535 : 255;
  for (let i = 0; i < count; i++) pixels[i] = i === count - 1 ? max : bitDepth === 16 ? (i * 4099 + 7) % 65536 : i % 256;
  return { width, height, channels, bitDepth, pixels };
}

describe('toNetworkRgb / fromNetworkRgb', () => {
  it.each([
    [3, 8],
    [4, 8],
    [3, 16],
    [4, 16],
    [1, 8],
    [2, 16],
  ] as const)('round-trips %i channels at %i bits exactly', (channels, bitDepth) => {
    const image = raster(channels, bitDepth);
    const rgb = toNetworkRgb(image);
    expect(rgb.length).toBe(image.width * image.height * 3);
    expect(Math.min(...rgb)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...rgb)).toBeLessThanOrEqual(1);
    const back = fromNetworkRgb(rgb, image);
    expect(back.pixels.constructor).toBe(image.pixels.constructor);
    expect([back.width, back.height, back.channels, back.bitDepth]).toEqual([image.width, image.height, channels, bitDepth]);
    expect(Array.from(back.pixels)).toEqual(Array.from(image.pixels));
  });

  it('expands gray into three equal channels and drops alpha', () => {
    const image: RasterImage = { width: 2, height: 1, channels: 2, bitDepth: 8, pixels: Uint8Array.from([51, 10, 255, 20]) };
    expect(Array.from(toNetworkRgb(image))).toEqual([0.2, 0.2, 0.2, 1, 1, 1].map(Math.fround));
  });

  it('copies alpha from the original, whatever the network returns', () => {
    const like: RasterImage = { width: 2, height: 1, channels: 4, bitDepth: 16, pixels: Uint16Array.from([1, 2, 3, 777, 4, 5, 6, 65000]) };
    const back = fromNetworkRgb(Float32Array.from([0, 0.5, 1, 1, 1, 1]), like);
    expect(Array.from(back.pixels)).toEqual([0, 32768, 65535, 777, 65535, 65535, 65535, 65000]);
  });

  it('averages R, G, B for gray output, clamps out-of-range values and maps NaN to 0', () => {
    const like: RasterImage = { width: 4, height: 1, channels: 1, bitDepth: 8, pixels: new Uint8Array(4) };
    const back = fromNetworkRgb(Float32Array.from([0.1, 0.2, 0.3, -0.5, -0.2, 0, 1.5, 2, 1, Number.NaN, 0.5, 0.5]), like);
    // (0.1+0.2+0.3)/3*255 = 51; negative → 0; above 1 → 255; NaN mean → 0.
    expect(Array.from(back.pixels)).toEqual([51, 0, 255, 0]);
  });

  it('rounds to the nearest level', () => {
    const like: RasterImage = { width: 2, height: 1, channels: 3, bitDepth: 8, pixels: new Uint8Array(6) };
    const back = fromNetworkRgb(Float32Array.from([0.49 / 255, 0.51 / 255, 10.4 / 255, 10.6 / 255, 254.6 / 255, 1]), like);
    expect(Array.from(back.pixels)).toEqual([0, 1, 10, 11, 255, 255]);
  });

  it('rejects a network output of the wrong size', () => {
    const like = raster(3, 8);
    expect(() => fromNetworkRgb(new Float32Array(5), like)).toThrow(expect.objectContaining({ code: 'INFERENCE_FAILED' }));
  });
});

describe('toEightBit', () => {
  it('rounds 16-bit values to the nearest 8-bit level (v / 257), not v >> 8', () => {
    const image: RasterImage = { width: 9, height: 1, channels: 1, bitDepth: 16, pixels: Uint16Array.from([0, 128, 129, 200, 383, 386, 65407, 65408, 65535]) };
    const eight = toEightBit(image);
    expect(eight.bitDepth).toBe(8);
    expect(eight.pixels).toBeInstanceOf(Uint8Array);
    expect(Array.from(eight.pixels)).toEqual([0, 0, 1, 1, 1, 2, 255, 255, 255]);
  });
});
