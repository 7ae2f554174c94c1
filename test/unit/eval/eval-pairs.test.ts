import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPairs, firstOfSet } from '../../../model/src/eval/pairs.js';
import { summarise, formatTable } from '../../../model/src/eval/report.js';
import type { PairResult } from '../../../model/src/eval/evaluate.js';

let tmp: string;
const png = (shade: number) => sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: shade, b: shade } } }).png().toBuffer();
const jpg = (shade: number) => sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: shade, b: shade } } }).jpeg().toBuffer();

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-eval-pairs-'));
});

async function put(file: string, data: Buffer | string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
  return file;
}

describe('eval --set finds pairs as the fine-tuner does', () => {
  it('matches blur/ and sharp/ by name whatever the extension, and reports files without a partner', async () => {
    const set = path.join(tmp, 'folders');
    await put(path.join(set, 'blur/a.jpg'), await jpg(90));
    await put(path.join(set, 'sharp/a.png'), await png(100));
    await put(path.join(set, 'blur/b.png'), await png(90));
    await put(path.join(set, 'sharp/b.png'), await png(100));
    await put(path.join(set, 'blur/lonely.png'), await png(90));
    await put(path.join(set, 'sharp/extra.png'), await png(100));
    await put(path.join(set, 'blur/a1.png'), await png(90));
    const found = await findPairs(set);
    expect(found.pairs.map((p) => [p.name, path.basename(p.sharp)])).toEqual([['blur/a.jpg', 'a.png'], ['blur/b.png', 'b.png']]);
    // A blurred photo without its partner is a pair that cannot be scored; a sharp one alone is not a pair.
    expect(found.unpaired).toEqual([
      { name: 'blur/a1.png', reason: 'no sharp/a1.* to pair with' },
      { name: 'blur/lonely.png', reason: 'no sharp/lonely.* to pair with' },
    ]);
    expect(found.unmatched).toEqual([{ file: path.join(set, 'sharp/extra.png'), reason: 'no blur/extra.* to pair with', side: 'sharp' }]);
    // --limit takes entries in name order, the unpaired among them.
    expect(firstOfSet(found, 2)).toEqual({ pairs: [found.pairs[0]], unpaired: [found.unpaired[0]] });
    expect(firstOfSet(found, 3)).toEqual({ pairs: found.pairs, unpaired: [found.unpaired[0]] });
    expect(firstOfSet(found)).toEqual({ pairs: found.pairs, unpaired: found.unpaired });
  });

  it('reads index.tsv with comment lines, keeps same-named files of different folders apart, and refuses a file outside the set', async () => {
    const set = path.join(tmp, 'index');
    const elsewhere = await put(path.join(tmp, 'elsewhere', 'ref.png'), await png(100));
    for (const seq of ['seqA', 'seqB', 'seqC']) {
      await put(path.join(set, seq, 'blur', '000047.png'), await png(90));
      await put(path.join(set, seq, 'sharp', '000047.png'), await png(100));
    }
    const rows = ['seqA/blur/000047.png\tseqA/sharp/000047.png', 'seqB/blur/000047.png\tseqB/sharp/000047.png', `seqC/blur/000047.png\t${elsewhere}`];
    await put(path.join(set, 'index.tsv'), ['# pairs from camera X', 'blurred\tsharp', ...rows].join('\n'));
    const { pairs, unpaired } = await findPairs(set);
    expect(pairs.map((p) => p.name)).toEqual(['seqA/blur/000047.png', 'seqB/blur/000047.png']);
    // Only files inside the set are read, as for fine-tuning: the row is a pair that cannot be scored.
    expect(unpaired).toEqual([{ name: 'index.tsv line 5', reason: `line 5 names a file outside the folder: ${elsewhere}; list the photos inside it, by their path from the folder` }]);
  });

  it('index.tsv: a repeated row is scored once, a row without a file is skipped, each named by its line; no pair is nameless', async () => {
    const set = path.join(tmp, 'index-rows');
    await put(path.join(set, 'small_blur.png'), await png(90));
    await put(path.join(set, 'small_sharp.png'), await png(100));
    await put(path.join(set, 'index.tsv'), [
      'blurred\tsharp',
      'small_blur.png\tsmall_sharp.png',
      './small_blur.png\tsmall_sharp.png',
      'small_blur.png',
      '\tsmall_sharp.png',
      'small_blur.png\t ',
    ].join('\n'));
    const { pairs, unpaired } = await findPairs(set);
    expect(pairs).toEqual([{ name: 'small_blur.png', blurred: path.join(set, 'small_blur.png'), sharp: path.join(set, 'small_sharp.png') }]);
    expect(unpaired).toEqual([
      { name: 'index.tsv line 3', reason: 'line 3 repeats line 2: each pair is used once' },
      { name: 'index.tsv line 4', reason: 'line 4: no sharp file given' },
      { name: 'index.tsv line 5', reason: 'line 5: no blurred file given' },
      { name: 'index.tsv line 6', reason: 'line 6: no sharp file given' },
    ]);
  });
});

describe('eval summary', () => {
  const scores = (psnr: number, ssim = 1) => ({ psnr, ssim, ssimY: ssim });
  it('a pair already identical to its target (∞ dB) is left out of every mean and the gain, and named', () => {
    const results: PairResult[] = [
      { name: 'sharp.png', width: 8, height: 8, input: scores(Infinity), output: scores(30, 0.9), seconds: 0 },
      { name: 'shaken.png', width: 8, height: 8, input: scores(24, 0.5), output: scores(26, 0.6), seconds: 0 },
    ];
    const summary = summarise(results);
    expect(summary).toEqual({
      pairs: 1,
      leftOut: [{ name: 'sharp.png', reason: 'its blurred photo is identical to its sharp one' }],
      exactOutputs: [],
      input: scores(24, 0.5),
      output: scores(26, 0.6),
      gainDb: 2,
    });
    const table = formatTable(results, summary);
    expect(table).toMatch(/\| sharp\.png +\| +∞ \| +30\.00 \| +— \|/);
    expect(table).toMatch(/\| mean \(1 of 2\) +\| +24\.00 \| +26\.00 \| +2\.00 \| +0\.5000 \| +0\.6000 \|/);
    expect(table).toContain('1 pair left out of the means and the gain: sharp.png (its blurred photo is identical to its sharp one)');
    expect(table).not.toMatch(/NaN|Infinity/);
  });

  it('a pair the model restores exactly (∞ dB out) stays in the means at the stated 100 dB, and is named', () => {
    const results: PairResult[] = [
      { name: 'restored.png', width: 8, height: 8, input: scores(30, 0.8), output: scores(Infinity), seconds: 0 },
      { name: 'shaken.png', width: 8, height: 8, input: scores(24, 0.5), output: scores(26, 0.6), seconds: 0 },
    ];
    const summary = summarise(results);
    expect(summary).toEqual({
      pairs: 2,
      leftOut: [],
      exactOutputs: ['restored.png'],
      input: scores(27, 0.65),
      output: scores(63, 0.8),
      gainDb: 36,
    });
    const table = formatTable(results, summary);
    expect(table).toMatch(/\| restored\.png +\| +30\.00 \| +∞ \| +— \|/);
    expect(table).toMatch(/\| mean \(2\) +\| +27\.00 \| +63\.00 \| +36\.00 \|/);
    expect(table).toContain('1 pair restored exactly (∞ dB out), counted at 100 dB in the means and the gain: restored.png');
    expect(table).not.toMatch(/NaN|Infinity/);
  });

  it('with every pair identical there are no means: null, and the mean row says so with dashes', () => {
    const results: PairResult[] = [{ name: 'sharp.png', width: 8, height: 8, input: scores(Infinity), output: scores(Infinity), seconds: 0 }];
    const summary = summarise(results);
    expect(summary).toMatchObject({ pairs: 0, input: null, output: null, gainDb: null });
    expect(formatTable(results, summary)).toMatch(/\| mean \(0 of 1\) \| +— \| +— \|/);
  });
});
