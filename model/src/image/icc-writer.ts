/**
 * A small ICC v2 writer for matrix/TRC RGB and GRAY profiles (ICC.1:2001-04): what a PNG's
 * gAMA/cHRM chunks or a camera's DCF colour-space tag say, written as the profile every viewer
 * and the working-space code (working-space.ts) read. Display class, PCS XYZ, D50.
 */

/** D50, the PCS illuminant, as ICC profiles store it (s15Fixed16). */
export const D50_XYZ = [0.9642, 1, 0.8249] as const;

/** Adobe RGB (1998) as its own profile states it: D50 primaries (row-major RGB → XYZ), gamma 563/256. */
export const ADOBE_RGB_TO_XYZ: readonly number[] = [0.60974, 0.20528, 0.14919, 0.31111, 0.62567, 0.06322, 0.01947, 0.06087, 0.74457];
export const ADOBE_RGB_GAMMA = 563 / 256;

export interface ProfileSpec {
  description: string;
  /** Decoding gamma: linear = value ** gamma. */
  gamma: number;
  /** RGB: linear RGB → XYZ (D50), row-major 3×3 (columns are rXYZ, gXYZ, bXYZ). Absent: GRAY. */
  toXyz?: readonly number[];
}

export function writeProfile({ description, gamma, toXyz }: ProfileSpec): Buffer {
  const trc = curvTag(gamma);
  const tags: [string, Buffer][] = [
    ['desc', descTag(description)],
    ['cprt', textTag('No copyright, use freely')],
    ['wtpt', xyzTag(D50_XYZ)],
  ];
  if (toXyz) {
    const column = (c: number) => [toXyz[c]!, toXyz[3 + c]!, toXyz[6 + c]!];
    tags.push(['rXYZ', xyzTag(column(0))], ['gXYZ', xyzTag(column(1))], ['bXYZ', xyzTag(column(2))], ['rTRC', trc], ['gTRC', trc], ['bTRC', trc]);
  } else {
    tags.push(['kTRC', trc]);
  }
  return assembleProfile(toXyz ? 'RGB ' : 'GRAY', tags);
}

/** A v2 profile of the given tags; tags given the same Buffer share one data block. */
export function assembleProfile(space: 'RGB ' | 'GRAY' | 'CMYK', tags: [string, Buffer][]): Buffer {
  const header = Buffer.alloc(128);
  header.writeUInt32BE(0x02100000, 8); // version 2.1
  header.write('mntr', 12, 'latin1');
  header.write(space, 16, 'latin1');
  header.write('XYZ ', 20, 'latin1');
  header.write('acsp', 36, 'latin1');
  D50_XYZ.forEach((v, i) => header.writeInt32BE(Math.round(v * 65536), 68 + 4 * i));
  const table = Buffer.alloc(4 + 12 * tags.length);
  table.writeUInt32BE(tags.length, 0);
  // Tags given the same Buffer share one data block, as real profiles share their TRC.
  const placed = new Map<Buffer, number>();
  const data: Buffer[] = [];
  let offset = 128 + table.length;
  tags.forEach(([sig, blob], i) => {
    let at = placed.get(blob);
    if (at === undefined) {
      at = offset;
      placed.set(blob, at);
      data.push(blob);
      offset += blob.length; // every tag below is a multiple of 4 bytes long
    }
    table.write(sig, 4 + 12 * i, 'latin1');
    table.writeUInt32BE(at, 8 + 12 * i);
    table.writeUInt32BE(blob.length, 12 + 12 * i);
  });
  const icc = Buffer.concat([header, table, ...data]);
  icc.writeUInt32BE(icc.length, 0);
  return icc;
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
}

export function xyzTag(v: readonly number[]): Buffer {
  const b = Buffer.alloc(20);
  b.write('XYZ ', 0, 'latin1');
  v.forEach((x, i) => b.writeInt32BE(Math.round(x * 65536), 8 + 4 * i));
  return b;
}

/**
 * curv with one gamma as u8Fixed8Number (as Adobe RGB's own profile stores 2.19921875, 563/256),
 * or a table of values in [0, 1].
 */
export function curvTag(curve: number | readonly number[]): Buffer {
  const entries = typeof curve === 'number' ? 1 : curve.length;
  const b = Buffer.alloc(12 + 2 * entries + (entries % 2 ? 2 : 0));
  b.write('curv', 0, 'latin1');
  b.writeUInt32BE(entries, 8);
  if (typeof curve === 'number') b.writeUInt16BE(Math.round(curve * 256), 12);
  else curve.forEach((v, i) => b.writeUInt16BE(Math.round(65535 * v), 12 + 2 * i));
  return b;
}

function textTag(text: string): Buffer {
  return pad4(Buffer.concat([Buffer.from('text\0\0\0\0', 'latin1'), Buffer.from(`${text}\0`, 'latin1')]));
}

/** v2 textDescriptionType: ASCII, then empty Unicode and ScriptCode parts. */
function descTag(text: string): Buffer {
  const ascii = Buffer.from(`${text.replace(/[^\x20-\x7e]/gu, '?')}\0`, 'latin1');
  const head = Buffer.alloc(12);
  head.write('desc', 0, 'latin1');
  head.writeUInt32BE(ascii.length, 8);
  // Unicode language code and count (8 bytes), ScriptCode code and count (3) and 67 bytes of text.
  return pad4(Buffer.concat([head, ascii, Buffer.alloc(8 + 3 + 67)]));
}
