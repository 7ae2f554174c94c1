import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { panelDataLines } from '../../../model/src/train/panel-data-lines.js';
import { validatePairs } from '../../../model/src/train/pairs.js';

/** A 96-px random-noise PNG: noise, and large enough (about 90 px) for the pair check to measure its alignment. */
async function noise(file: string, seed: number): Promise<void> {
  const data = Buffer.alloc(96 * 96 * 3);
  let x = seed;
  for (let i = 0; i < data.length; i++) data[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  await sharp(data, { raw: { width: 96, height: 96, channels: 3 } }).png().toFile(file);
}

describe('the panel’s data lines', () => {
  it('name every skipped photo with its reason, a file without its partner included in the count', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'unshake-panel-skipped-'));
    await mkdir(path.join(dir, 'blur'));
    await mkdir(path.join(dir, 'sharp'));
    for (const [name, seed] of [['a.png', 1], ['b.png', 2], ['c.png', 3]] as const) {
      await noise(path.join(dir, 'sharp', name), seed);
      await sharp(path.join(dir, 'sharp', name)).blur(1.5).toFile(path.join(dir, 'blur', name));
    }
    await writeFile(path.join(dir, 'sharp', 'b.png'), ''); // empty
    await writeFile(path.join(dir, 'sharp', 'c.png'), 'not a photo'); // text
    await noise(path.join(dir, 'blur', 'lonely.png'), 4); // no partner
    const report = await validatePairs(dir, { minSize: 32 });
    const { data, skipped } = panelDataLines({ type: 'data', source: 'pairs', report, train: 1, validation: 0, heldOut: true, note: null });
    expect(data).toBe('1 pair: 1 for training, 0 held out to measure progress; 3 skipped');
    expect(skipped).toMatch(/^Skipped b: .+; c: .+; .*lonely\.png: .+$/);
  });
});
