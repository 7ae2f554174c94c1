import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sharedData } from './cli-run.js';

/**
 * A blurred photo without its sharp partner is a pair of the set that cannot be scored: skipped,
 * listed in --json and exit 1, as a row of an index.tsv whose file is missing. A sharp photo
 * without a blurred one has nothing to score: a note, and the scores stand.
 */
let tmp: string;
let set: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-unpaired-'));
  set = path.join(tmp, 'set');
  await mkdir(path.join(set, 'blur'), { recursive: true });
  await mkdir(path.join(set, 'sharp'));
  const levin = sharedData('levin');
  await copyFile(path.join(levin, 'im1_kernel1_img.png'), path.join(set, 'blur', 'a.png'));
  await copyFile(path.join(levin, 'gt', 'im1.png'), path.join(set, 'sharp', 'a.png'));
  await copyFile(path.join(levin, 'gt', 'im2.png'), path.join(set, 'sharp', 'only-sharp.png'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const evalSet = (...args: string[]) => runCli(['eval', '--set', set, '--model', 'placeholder', '--cpu', ...args]);

describe('eval with photos that have no partner', () => {
  it('a sharp photo alone is a note; the set is whole, exit 0', async () => {
    const r = await evalSet();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^eval: note: .*only-sharp\.png is not scored: no blur\/only-sharp\.\* to pair with$/m);
  });

  it('a blurred photo without its sharp one is skipped: named, in the JSON, exit 1; --limit counts it in its place', async () => {
    await copyFile(path.join(sharedData('levin'), 'im2_kernel1_img.png'), path.join(set, 'blur', 'b.png'));
    const json = path.join(tmp, 'report.json');
    const r = await evalSet('--json', json);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^eval: skipped blur\/b\.png: no sharp\/b\.\* to pair with$/m);
    expect(r.stdout).toContain('1 of 2 pair(s) skipped and left out of the scores: blur/b.png');
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.pairs.map((p: { name: string }) => p.name)).toEqual(['blur/a.png']);
    expect(report.skipped).toEqual([{ name: 'blur/b.png', reason: 'no sharp/b.* to pair with' }]);
    // The first pair by name is a.png, which has its partner: the limited set is whole.
    expect((await evalSet('--limit', '1')).code).toBe(0);
  });
});
