import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { evalCurve, invertCurve, parseMatrixTrc } from '../../../model/src/image/icc-matrix.js';
import { srgbIccProfile } from '../../../model/src/image/icc.js';
import { workingSpaceFor, workingSpaceForSource } from '../../../model/src/image/working-space.js';
import { adobeLikeProfile, grayProfile } from '../../fixtures/icc-profiles.js';

/** The ICC profile sharp embeds for one of its built-in RGB names ('srgb', 'p3'). */
async function builtInProfile(name: string): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).withIccProfile(name).png().toBuffer();
  const { icc } = await sharp(png).metadata();
  if (!icc) throw new Error(`sharp attached no ${name} profile`);
  return icc;
}

const srgbEncode = (y: number) => (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055);
const srgbDecode = (x: number) => (x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);

describe('matrix/TRC profiles and the sRGB working space', () => {
  it('reads a GRAY profile for gray photos only', () => {
    const icc = grayProfile(1.8);
    const space = workingSpaceFor(icc);
    expect(space?.gray).toBe(true);
    expect(workingSpaceForSource({ icc, space: 'b-w' }, 1)?.gray).toBe(true);
    expect(workingSpaceForSource({ icc, space: 'b-w' }, 2)).toBeDefined();
    expect(workingSpaceForSource({ icc, space: 'srgb' }, 3)).toBeUndefined();
    expect(workingSpaceForSource({ icc: adobeLikeProfile(2.2), space: 'b-w' }, 1)).toBeUndefined();
    // A gray level maps to sRGB gray with the same luminance.
    const out = new Float64Array(3);
    space!.linearToSrgb(0.5 ** 1.8, 0.5 ** 1.8, 0.5 ** 1.8, out);
    for (const v of out) expect(v).toBeCloseTo(srgbEncode(0.5 ** 1.8), 4);
  });

  it('needs no conversion for no profile, an sRGB profile or a non-RGB one', async () => {
    expect(workingSpaceFor(null)).toBeNull();
    expect(workingSpaceFor(await srgbIccProfile())).toBeNull();
    expect(workingSpaceFor(adobeLikeProfile(563 / 256, 'CMYK'))).toBeNull();
    expect(workingSpaceFor(Buffer.from('not a profile'))).toBeNull();
  });

  it('reads Display P3 and maps its pure red to the known, out-of-gamut sRGB values', async () => {
    const space = workingSpaceFor(await builtInProfile('p3'));
    expect(space).not.toBeNull();
    const out = new Float64Array(3);
    space!.linearToSrgb(1, 0, 0, out);
    // P3 → sRGB (linear, D65 and D50 alike): red = (1.2249, −0.0420, −0.0197).
    // (Within 0.01 encoded: profiles store primaries as s15Fixed16, adapted to D50.)
    expect(out[0]).toBeCloseTo(srgbEncode(1.2249), 2);
    expect(out[1]).toBeCloseTo(-srgbEncode(0.042), 2);
    expect(Math.abs(out[2]! + srgbEncode(0.0197))).toBeLessThan(0.01);
    // …and comes back exactly, although it is outside [0, 1] in sRGB.
    space!.srgbToSource(out[0]!, out[1]!, out[2]!, out);
    expect(Array.from(out).map((v) => Number(v.toFixed(5)) + 0)).toEqual([1, 0, 0]);
  });

  it.each(['gamma', 'table'] as const)('round-trips 16-bit levels of an Adobe-RGB-like %s profile within 1e-4 (6.5 levels, near black only)', (kind) => {
    // The table is sRGB's curve (its linear toe keeps it strictly increasing at 16 bits, so it can be inverted).
    const icc = adobeLikeProfile(kind === 'gamma' ? 563 / 256 : Array.from({ length: 1024 }, (_, i) => srgbDecode(i / 1023)));
    const profile = parseMatrixTrc(icc)!;
    expect(profile.curves[0].kind).toBe(kind);
    expect(evalCurve(profile.curves[0], 0.5)).toBeCloseTo(kind === 'gamma' ? 0.5 ** (563 / 256) : srgbDecode(0.5), 4);
    expect(invertCurve(profile.curves[0], evalCurve(profile.curves[0], 0.3))).toBeCloseTo(0.3, 6);
    const space = workingSpaceFor(icc)!;
    const levels = space.levels(65535);
    const out = new Float64Array(3);
    let worst = 0;
    for (let v = 0; v <= 65535; v += 7) {
      const [r, g, b] = [v, 65535 - v, (v * 31) % 65536];
      space.linearToSrgb(levels[0]![r]!, levels[1]![g]!, levels[2]![b]!, out);
      space.srgbToSource(out[0]!, out[1]!, out[2]!, out);
      worst = Math.max(worst, Math.abs(out[0]! - r / 65535), Math.abs(out[1]! - g / 65535), Math.abs(out[2]! - b / 65535));
    }
    // A pure power curve is infinitely steep at black: 1e-9 of table error in linear light there
    // is 5e-5 encoded. Elsewhere (and at 8 bits everywhere, 0.03 levels) it is far smaller.
    expect(worst).toBeLessThan(1e-4);
  });

  it('agrees with lcms (sharp) converting a real photo from Display P3 to sRGB', async () => {
    const photo = new URL('../../../../shared/data/photos-extra/Kodak24/kodim23.png', import.meta.url).pathname;
    // sharp converts the sRGB photo into P3 and embeds the profile, as an editor exporting P3 would.
    const p3 = await sharp(photo).resize(96, 64).withIccProfile('p3').png().toBuffer();
    const own = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    const lcms = await sharp(p3).withIccProfile('srgb').raw().toBuffer();
    const { icc } = await sharp(p3).metadata();
    const space = workingSpaceFor(icc!)!;
    expect(space.description).toMatch(/P3/);
    const levels = space.levels(255);
    const out = new Float64Array(3);
    let worst = 0;
    for (let i = 0; i < own.length; i += 3) {
      space.linearToSrgb(levels[0]![own[i]!]!, levels[1]![own[i + 1]!]!, levels[2]![own[i + 2]!]!, out);
      // lcms clips to the sRGB gamut; compare in gamut only.
      for (let c = 0; c < 3; c++) if (out[c]! > 0 && out[c]! < 1) worst = Math.max(worst, Math.abs(out[c]! * 255 - lcms[i + c]!));
    }
    // lcms rounds to 8 bits; we do not.
    expect(worst).toBeLessThan(1);
  });
});
