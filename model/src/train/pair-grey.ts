import { withEndMarkerRepair } from '../image/jpeg-end-marker.js';
import { CAMERA_FILES } from '../image/probe.js';
import type { Region } from './pair-alignment.js';

/**
 * A pair's photos decoded once, upright and grey at full resolution, for both checks of the pair:
 * the shift search and the same-picture test. Each decoded its files on its own before, and a
 * 24 MP file takes about a second to decode (docs/decisions.md, "The pair check decodes each
 * photo once").
 */
export interface Grey {
  data: Buffer;
  width: number;
  height: number;
}

let decodes = 0;

/** Files decoded by `decodeGrey` in this process so far: the pair check's cost, which a test counts. */
export function greyDecodes(): number {
  return decodes;
}

/** The whole upright file in grey (8 bits), so any region of it can be cut without decoding again. */
export async function decodeGrey(file: string): Promise<Grey> {
  decodes++;
  const { data, info } = await withEndMarkerRepair(file, CAMERA_FILES, (image) =>
    image.rotate().greyscale().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }),
  );
  return { data, width: info.width, height: info.height };
}

/** Region `r` of `g`, copied row by row (the whole of `g` is returned as it is). */
export function cropGrey(g: Grey, r: Region): Grey {
  if (r.left === 0 && r.top === 0 && r.width === g.width && r.height === g.height) return g;
  const data = Buffer.allocUnsafe(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    const from = (r.top + y) * g.width + r.left;
    g.data.copy(data, y * r.width, from, from + r.width);
  }
  return { data, width: r.width, height: r.height };
}
