import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SHAPES } from '../../electron/common/mask.js';
import { runCli, sharedData } from './cli-run.js';

let tmp: string;
let photo: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-selection-'));
  photo = path.join(tmp, 'photo.png');
  await copyFile(sharedData('levin', 'im1_kernel1_img.png'), photo);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

type Inside = (x: number, y: number) => boolean;

/** Changed pixels per shape (by its pixel centres), and changed pixels in none of them. */
async function changedPixels(result: string, shapes: Inside[]): Promise<{ inside: number[]; outside: number }> {
  const [a, b] = await Promise.all([photo, result].map((file) => sharp(file).raw().toBuffer({ resolveWithObject: true })));
  const { width, channels } = a!.info;
  const inside = shapes.map(() => 0);
  let outside = 0;
  for (let p = 0; p < a!.data.length / channels; p++) {
    let changed = false;
    for (let c = p * channels; c < (p + 1) * channels; c++) changed ||= a!.data[c] !== b!.data[c];
    if (!changed) continue;
    const [cx, cy] = [(p % width) + 0.5, Math.floor(p / width) + 0.5];
    const i = shapes.findIndex((isIn) => isIn(cx, cy));
    if (i >= 0) inside[i]!++;
    else outside++;
  }
  return { inside, outside };
}

const rect = (x: number, y: number, w: number, h: number): Inside => (px, py) => px >= x && px < x + w && py >= y && py < y + h;
const ellipse = (x: number, y: number, w: number, h: number): Inside => (px, py) => ((px - x - w / 2) / (w / 2)) ** 2 + ((py - y - h / 2) / (h / 2)) ** 2 <= 1;
/** Even-odd ray casting: enough for the simple outlines used here. */
const polygon = (points: [number, number][]): Inside => (px, py) => {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [[xi, yi], [xj, yj]] = [points[i]!, points[j]!];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};

const deblur = (...args: string[]) => runCli(['deblur', photo, ...args]);

describe('deblur selections on the command line (real process, real photo)', () => {
  it('fixes every --region given, not only the last one', async () => {
    const out = path.join(tmp, 'two-regions.png');
    const r = await deblur('--region', '10,10,40,40', '--region', '150,150,40,40', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const { inside, outside } = await changedPixels(out, [rect(10, 10, 40, 40), rect(150, 150, 40, 40)]);
    // The first one was dropped without a word: [0, 1195].
    for (const n of inside) expect(n).toBeGreaterThan(500);
    expect(outside).toBe(0);
  });

  it('adds --ellipse shapes (the ellipse inside the box, as the editor draws it) to the rectangles', async () => {
    const out = path.join(tmp, 'shapes.png');
    const r = await deblur('--ellipse', '60,100,80,40', '--region', '150,150,40,40', '--ellipse', '180,10,50,70', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const { inside, outside } = await changedPixels(out, [ellipse(60, 100, 80, 40), rect(150, 150, 40, 40), ellipse(180, 10, 50, 70)]);
    for (const n of inside) expect(n).toBeGreaterThan(500);
    // Not even the corners of an ellipse's box.
    expect(outside).toBe(0);
  });

  it('takes a --mask file in the app\'s selection JSON: a lasso outline and a rectangle, inverted', async () => {
    const lasso: [number, number][] = [[20, 180], [110, 170], [90, 240], [40, 230]];
    const mask = path.join(tmp, 'selection.json');
    await writeFile(mask, JSON.stringify({ shapes: [{ kind: 'polygon', points: lasso }, { kind: 'rect', x: 180, y: 20, width: 50, height: 60 }] }));
    const out = path.join(tmp, 'lasso.png');
    expect((await deblur('--mask', mask, '--out', out)).code).toBe(0);
    const shapes = [polygon(lasso), rect(180, 20, 50, 60)];
    const selected = await changedPixels(out, shapes);
    for (const n of selected.inside) expect(n).toBeGreaterThan(1000);
    expect(selected.outside).toBe(0);

    await writeFile(mask, JSON.stringify({ shapes: [{ kind: 'polygon', points: lasso }, { kind: 'rect', x: 180, y: 20, width: 50, height: 60 }], invert: true }));
    const inverted = path.join(tmp, 'lasso-inverted.png');
    expect((await deblur('--mask', mask, '--out', inverted)).code).toBe(0);
    const rest = await changedPixels(inverted, shapes);
    expect(rest.inside).toEqual([0, 0]);
    expect(rest.outside).toBeGreaterThan(20_000);
  });

  it('refuses a malformed shape or selection file in words, with the app\'s own limits, before any work', async () => {
    const before = (await readdir(tmp)).sort();
    const refused = async (...args: string[]) => {
      const r = await deblur(...args, '--out', path.join(tmp, 'refused.png'));
      expect(r.code).toBe(1);
      return /^error \[([A-Z_]+)\]: (.+)$/m.exec(r.stderr)?.slice(1);
    };
    expect(await refused('--ellipse', '10,10,0,20')).toEqual(['INVALID_REQUEST', '--ellipse "10,10,0,20" is not a valid ellipse: width must be more than 0.']);
    expect(await refused('--ellipse', '10,10,20')).toEqual([
      'INVALID_REQUEST',
      '--ellipse must be four numbers x,y,width,height in pixels (the box around the ellipse), e.g. --ellipse 100,50,800,600; got 3 field(s) in "10,10,20".',
    ]);
    const many = path.join(tmp, 'many.json');
    await writeFile(many, JSON.stringify({ shapes: Array.from({ length: MAX_SHAPES + 1 }, (_, i) => ({ kind: 'rect', x: i % 200, y: 0, width: 5, height: 5 })) }));
    expect(await refused('--mask', many)).toEqual(['INVALID_REQUEST', `--mask ${many} is not a valid selection: shapes: A selection may have at most 1,000 shapes; this one has 1,001.`]);
    const tooSmall = path.join(tmp, 'small.json');
    await writeFile(tooSmall, JSON.stringify({ shapes: [{ kind: 'polygon', points: [[1, 1], [5, 5]] }] }));
    expect((await refused('--mask', tooSmall))?.[1]).toMatch(/^--mask .*small\.json is not a valid selection: shapes\.0\.points: Too small/);
    const broken = path.join(tmp, 'broken.json');
    await writeFile(broken, '{"shapes": [');
    expect((await refused('--mask', broken))?.[1]).toMatch(/broken\.json is not valid JSON \(.+\); it should hold \{"shapes": \[\.\.\.\], "feather": 0, "invert": false\}\.$/);
    expect(await refused('--mask', photo)).toEqual(['INVALID_REQUEST', `--mask ${photo} is not a text file; it should hold {"shapes": [...], "feather": 0, "invert": false}.`]);
    expect(await refused('--mask', many, '--region', '1,1,5,5', '--feather', '3')).toEqual([
      'INVALID_REQUEST',
      '--mask holds the whole selection, so --region, --feather cannot go with it: put those shapes, "feather" or "invert" in the file.',
    ]);
    expect((await readdir(tmp)).sort()).toEqual(before.concat(['broken.json', 'many.json', 'small.json']).sort());
  });
});
