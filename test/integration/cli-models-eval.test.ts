import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installUserModel, runCli, sharedData } from './cli-run.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-cli-eval-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** input_psnr_db column of a set's index.tsv, by blurred file name. */
async function indexPsnr(set: string): Promise<Map<string, number>> {
  const [header, ...rows] = (await readFile(path.join(set, 'index.tsv'), 'utf8')).trim().split('\n');
  const cols = header!.split('\t');
  return new Map(rows.map((r) => r.split('\t')).map((c) => [c[cols.indexOf('blurred')]!, Number(c[cols.indexOf('input_psnr_db')])]));
}

describe('unshake models / eval / bench / train', () => {
  it('models lists the placeholder and the base alias', async () => {
    const r = await runCli(['models', '--json']);
    expect(r.code).toBe(0);
    const models = JSON.parse(r.stdout) as { id: string; name: string; placeholder: boolean }[];
    expect(models[0]!.id).toBe('base');
    expect(models.find((m) => m.id === 'placeholder')).toMatchObject({ placeholder: true, name: 'Placeholder (unsharp, untrained)' });
    // As text, the alias says which model it runs: one model, not two; a damaged one is said, not hidden.
    const damaged = path.join(tmp, 'damaged-models', 'broken');
    await mkdir(damaged, { recursive: true });
    await writeFile(path.join(damaged, 'broken.manifest.json'), '{ "id": "broken" ');
    const text = await runCli(['models', '--models-dir', path.dirname(damaged)]);
    expect(text.stdout).toMatch(/^base +Base model — .*\[bundled, runs unshake-base, [\d,]+ parameters\]$/m);
    expect(text.stderr).toMatch(/^note: "broken" is not listed: /m);
  });

  it('eval on gopro-official prints a table and writes JSON whose input PSNR matches the dataset index', async () => {
    const set = sharedData('gopro-official');
    const json = path.join(tmp, 'gopro.json');
    const r = await runCli(['eval', '--set', set, '--model', 'placeholder', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| image\s+\| PSNR in \| PSNR out/);
    expect(r.stdout).toMatch(/\| mean \(2\)/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.model.id).toBe('placeholder');
    expect(report.pairs).toHaveLength(2);
    const expected = await indexPsnr(set);
    for (const pair of report.pairs) {
      expect(pair.input.psnr).toBeCloseTo(expected.get(pair.name)!, 2);
      expect(pair.input.ssim).toBeGreaterThan(0.5);
      expect(pair.input.ssim).toBeLessThan(1);
      expect(pair.output.psnr).not.toBe(pair.input.psnr);
    }
    expect(report.summary.gainDb).toBeCloseTo(report.summary.output.psnr - report.summary.input.psnr, 9);
  });

  it('eval handles grayscale sets (Levin) and --limit', async () => {
    const set = sharedData('levin');
    const json = path.join(tmp, 'levin.json');
    const r = await runCli(['eval', '--set', set, '--limit', '2', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.pairs).toHaveLength(2);
    const expected = await indexPsnr(set);
    for (const pair of report.pairs) {
      expect(pair.input.psnr).toBeCloseTo(expected.get(pair.name)!, 2);
      expect(pair.input.ssimY).toBe(pair.input.ssim);
    }
  });

  it('eval finds fine-tuned user models in the default models folder and with --models-dir', async () => {
    const config = path.join(tmp, 'config');
    await installUserModel(path.join(config, 'unshake', 'models'), 'my-tuned');
    const elsewhere = path.join(tmp, 'elsewhere');
    await installUserModel(elsewhere, 'other-tuned');
    const set = sharedData('levin');
    for (const [args, id] of [
      [['--model', 'my-tuned'], 'my-tuned'],
      [['--model', 'other-tuned', '--models-dir', elsewhere], 'other-tuned'],
    ] as const) {
      const json = path.join(tmp, `${id}.json`);
      const r = await runCli(['eval', '--set', set, '--limit', '1', '--cpu', '--json', json, ...args], { XDG_CONFIG_HOME: config });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`with model "${id}"`);
      expect(JSON.parse(await readFile(json, 'utf8')).model).toMatchObject({ id, name: `Fine-tuned ${id}`, placeholder: false });
    }
  });

  it('eval scores a pair whose blurred and sharp images differ in gray/RGB layout as RGB', async () => {
    // Levin's gray images, one side re-saved as RGB (R = G = B): the scores must equal the
    // gray-vs-gray ones the dataset's index lists, whichever side is the RGB one.
    const levin = sharedData('levin');
    const set = path.join(tmp, 'mixed');
    await mkdir(set, { recursive: true });
    await copyFile(path.join(levin, 'im1_kernel1_img.png'), path.join(set, 'blur-gray.png'));
    await copyFile(path.join(levin, 'gt', 'im1.png'), path.join(set, 'sharp-gray.png'));
    await sharp(path.join(levin, 'im1_kernel1_img.png')).toColourspace('srgb').png().toFile(path.join(set, 'blur-rgb.png'));
    await sharp(path.join(levin, 'gt', 'im1.png')).toColourspace('srgb').png().toFile(path.join(set, 'sharp-rgb.png'));
    expect((await sharp(path.join(set, 'blur-rgb.png')).metadata()).channels).toBe(3);
    expect((await sharp(path.join(set, 'sharp-gray.png')).metadata()).channels).toBe(1);
    await writeFile(path.join(set, 'index.tsv'), 'blurred\tsharp\nblur-rgb.png\tsharp-gray.png\nblur-gray.png\tsharp-rgb.png\n');
    const json = path.join(tmp, 'mixed.json');
    const r = await runCli(['eval', '--set', set, '--model', 'placeholder', '--cpu', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.pairs.map((p: { name: string }) => p.name)).toEqual(['blur-rgb.png', 'blur-gray.png']);
    const expected = (await indexPsnr(levin)).get('im1_kernel1_img.png')!;
    for (const pair of report.pairs) {
      expect(pair.input.psnr).toBeCloseTo(expected, 2);
      expect(pair.input.ssim).toBeCloseTo(pair.input.ssimY, 6);
      expect(pair.output.psnr).toBeGreaterThan(0);
    }
  });

  it('eval leaves out a pair it cannot score, says why, scores the rest and exits 1; a --json folder that is not there is said before the run', async () => {
    const levin = sharedData('levin');
    const set = path.join(tmp, 'with-bad');
    await mkdir(path.join(set, 'blur'), { recursive: true });
    await mkdir(path.join(set, 'sharp'), { recursive: true });
    await copyFile(path.join(levin, 'im1_kernel1_img.png'), path.join(set, 'blur', 'a.png'));
    await copyFile(path.join(levin, 'gt', 'im1.png'), path.join(set, 'sharp', 'a.png'));
    await copyFile(path.join(levin, 'im1_kernel1_img.png'), path.join(set, 'blur', 'b.png'));
    await sharp(path.join(levin, 'gt', 'im1.png')).resize(200).png().toFile(path.join(set, 'sharp', 'b.png'));
    await writeFile(path.join(set, 'blur', 'c.png'), 'not an image');
    await copyFile(path.join(levin, 'gt', 'im1.png'), path.join(set, 'sharp', 'c.png'));
    const missing = await runCli(['eval', '--set', set, '--model', 'placeholder', '--json', path.join(tmp, 'no-such-folder', 'x.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error \[WRITE_FAILED\]: --json .*: the folder .*no-such-folder does not exist/m);
    expect(missing.stderr).not.toMatch(/eval: 1\//);
    const benchMissing = await runCli(['bench', '--model', 'placeholder', '--sizes', '0.3', '--no-train', '--md', path.join(tmp, 'no-such-folder', 'b.md')]);
    expect(benchMissing.code).toBe(1);
    expect(benchMissing.stderr).toMatch(/^error \[WRITE_FAILED\]: --md .*no-such-folder does not exist/m);
    expect(benchMissing.stdout).toBe('');
    const json = path.join(tmp, 'with-bad.json');
    const r = await runCli(['eval', '--set', set, '--model', 'placeholder', '--cpu', '--json', json]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/eval: 2\/3 blur\/b\.png: skipped: the blurred image is 255×255 and the sharp one 200×200; a pair must be the same size\./);
    expect(r.stderr).toMatch(/eval: 3\/3 blur\/c\.png: skipped: c\.png is not an image Unshake can read/);
    expect(r.stdout).toContain('2 of 3 pair(s) skipped and left out of the scores: blur/b.png, blur/c.png');
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.pairs.map((p: { name: string }) => p.name)).toEqual(['blur/a.png']);
    expect(report.skipped.map((p: { name: string }) => p.name)).toEqual(['blur/b.png', 'blur/c.png']);
  });

  it('eval without a usable set fails cleanly', async () => {
    const r = await runCli(['eval', '--set', tmp]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error \[INVALID_REQUEST\]: No blurred\/sharp pairs/m);
  });

  it('bench measures roofline, network and end-to-end speed', async () => {
    const json = path.join(tmp, 'bench.json');
    const md = path.join(tmp, 'bench.md');
    const r = await runCli(['bench', '--model', 'placeholder', '--sizes', '0.3', '--tiles', '128,256', '--threads', '1', '--json', json, '--md', md, '--no-train']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/MatMul roofline/);
    expect(await readFile(md, 'utf8')).toContain('## Ratios');
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.roofline.gflops).toBeGreaterThan(0.5);
    // GMAC/MP counted from the graph agrees with the placeholder's manifest (5×5 conv, 3 channels).
    expect(report.model.gmacPerMegapixel).toBeCloseTo(report.model.manifestGmacPerMegapixel, 2);
    expect(report.network.points).toHaveLength(2);
    expect(report.network.best.outputSecondsPerMegapixel).toBeGreaterThan(0);
    expect(report.graphOptimisation.map((g: { level: string }) => g.level)).toContain('all, loaded from cache');
    // The photo at the app's tile (the placeholder asks for 512², the image is smaller), then once
    // more at the sweep's best tile, which differs.
    expect(report.endToEnd).toHaveLength(2);
    const [e2e, atSweepTile] = report.endToEnd;
    expect(e2e.sweepTile).toBeUndefined();
    expect(atSweepTile.sweepTile).toBe(true);
    expect(atSweepTile.tileSize).toBe(report.network.best.tileSize);
    expect(e2e.megapixels).toBeCloseTo(0.3, 1);
    // The target's reference: the network alone on a whole untiled image, before and after.
    const { untiled } = report.network;
    expect(untiled.before.megapixels).toBeGreaterThan(0.2);
    expect(untiled.secondsPerMegapixel).toBeCloseTo((untiled.before.secondsPerMegapixel + untiled.after.secondsPerMegapixel) / 2, 6);
    expect(e2e.overUntiledNetwork).toBeCloseTo(e2e.secondsPerMegapixel / untiled.secondsPerMegapixel, 6);
    expect(report.targets.endToEndOverNetwork.value).toBe(e2e.overUntiledNetwork);
    expect(await readFile(md, 'utf8')).toContain('Network alone, untiled');
    expect(e2e.timings.networkSeconds).toBeGreaterThan(0);
    expect(e2e.overNetworkRun).toBeGreaterThan(1);
    // Peak RSS comes from the run's own child process: more than the engine, far less than a leak.
    expect(e2e.maxRssBytes).toBeGreaterThan(50 * 1024 ** 2);
    expect(e2e.maxRssBytes).toBeLessThan(1024 ** 3);
    expect(report.executionProvider.active).toBe('cpu');
    expect(report.targets.peakRss100MpBytes.met).toBeNull();
    expect(report.training).toBeUndefined(); // --no-train: fine-tuning speed is bench-training.test.ts's job
  });

  it('train is wired to the fine-tuner: without a data folder it explains its usage', async () => {
    const r = await runCli(['train']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--pairs/);
  });
});
