import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../model/src/train/random.js';
import { drawShake, kernelExtent, loadKernelBank } from '../../../model/src/train/synth/shake-kernel.js';
import { defaultSharedDataDir, defaultSynthesisSpecPath, loadSynthesisSpec } from '../../../model/src/train/synth/synthesis-spec.js';
import { repoRoot, sharedData } from './helpers.js';

let work: string;
let specText: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'unshake-synth-spec-'));
  specText = await readFile(defaultSynthesisSpecPath(), 'utf8');
});

describe('synthesis spec and kernel bank', () => {
  it('reads model/base/synthesis-spec.json itself (no copied numbers) and the shared kernel bank', async () => {
    const spec = await loadSynthesisSpec();
    expect(spec).toEqual(JSON.parse(specText));
    expect(defaultSharedDataDir()).toBe(process.env.UNSHAKE_DATA ? path.resolve(process.env.UNSHAKE_DATA) : path.resolve(repoRoot, '../shared/data'));
    const bank = await loadKernelBank(spec, sharedData('.'));
    expect(bank.note).toBeNull();
    // Every kernel whose type mentions "motion" (synth.py's filter), in file order, except Levin's
    // 8: they made the Levin test set's blurs, and the evaluation sets are never trained on.
    const raw = JSON.parse(await readFile(path.join(sharedData('kernels'), 'kernels.json'), 'utf8')) as Record<string, { type: string }>;
    const motion = Object.keys(raw).filter((n) => raw[n]!.type.includes('motion'));
    expect(motion.filter((n) => n.startsWith('levin09_'))).toHaveLength(8);
    expect(bank.kernels.map((k) => k.name)).toEqual(motion.filter((n) => !n.startsWith('levin09_')));
    expect(bank.kernels.length).toBe(10);
    const lai = bank.kernels.find((k) => k.name === 'lai2016_kernel_01')!.kernel;
    expect([lai.width, lai.height]).toEqual([31, 31]);
  });

  it("the base recipe's GoPro-calibrated variant has the same fields (synthesis-spec-gopro.json)", async () => {
    const variant = await loadSynthesisSpec(path.join(repoRoot, 'model/base/synthesis-spec-gopro.json'));
    const shared = JSON.parse(specText) as typeof variant;
    expect(Object.keys(variant).sort()).toEqual(Object.keys(shared).sort());
    expect(variant.trajectory.extentPx).toEqual([6, 56]);
    expect(variant.trajectory.centripetal).toEqual([0, 0]);
  });

  it("the base recipe's mild variant (synthesis-spec-mild.json) loads and draws 0–9 px shake, some none at all", async () => {
    const mild = await loadSynthesisSpec(path.join(repoRoot, 'model/base/synthesis-spec-mild.json'));
    expect(Object.keys(mild).sort()).toEqual(Object.keys(JSON.parse(specText) as object).sort());
    const bank = await loadKernelBank(mild, sharedData('.'));
    const rng = new Rng(3);
    const extents = Array.from({ length: 300 }, () => {
      const shake = drawShake(rng, mild, bank.kernels);
      if (shake.source === 'warp') throw new Error('the mild spec draws no warps');
      return kernelExtent(shake.kernel);
    });
    expect(Math.max(...extents)).toBeLessThanOrEqual(10);
    // A zero-extent path is a single tap: the sample is only the spec's noise and JPEG.
    expect(extents.filter((e) => e === 1).length).toBeGreaterThan(5);
  });

  it('the stored-value and warp variants load, and a warp share without a "warp" section is refused', async () => {
    const stored = await loadSynthesisSpec(path.join(repoRoot, 'model/base/synthesis-spec-gopro-stored.json'));
    expect(stored.colour.transfer).toBe('identity');
    const warp = await loadSynthesisSpec(path.join(repoRoot, 'model/base/synthesis-spec-gopro-warp.json'));
    expect(warp.kernelMix.warp).toBeGreaterThan(0);
    expect(warp.warp?.poses).toBeGreaterThanOrEqual(2);
    const { warp: _section, ...noSection } = JSON.parse(await readFile(path.join(repoRoot, 'model/base/synthesis-spec-gopro-warp.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(work, 'no-warp.json'), JSON.stringify(noSection));
    await expect(loadSynthesisSpec(path.join(work, 'no-warp.json'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringMatching(/invalid at "warp": kernelMix\.warp needs a "warp" section/) });
  });

  it('an injected spec path is used, and a broken spec is a clear error', async () => {
    const copy = path.join(work, 'spec.json');
    await writeFile(copy, specText.replace('"version": 1', '"version": 7'));
    expect((await loadSynthesisSpec(copy)).version).toBe(7);
    await expect(loadSynthesisSpec(path.join(work, 'missing.json'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await writeFile(path.join(work, 'bad.json'), '{ nope');
    await expect(loadSynthesisSpec(path.join(work, 'bad.json'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringMatching(/not valid JSON/) });
    const wrong = JSON.parse(specText) as { noise: { poissonPeak: number[] } };
    wrong.noise.poissonPeak = [3000, 300];
    await writeFile(path.join(work, 'wrong.json'), JSON.stringify(wrong));
    await expect(loadSynthesisSpec(path.join(work, 'wrong.json'))).rejects.toMatchObject({ message: expect.stringMatching(/invalid at "noise\.poissonPeak"/) });
    // A field the TS port does not implement yet must not be ignored silently.
    await writeFile(path.join(work, 'newer.json'), JSON.stringify({ ...JSON.parse(specText), vignetting: { probability: 0.2 } }));
    await expect(loadSynthesisSpec(path.join(work, 'newer.json'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringMatching(/vignetting/) });
  });

  it('without a kernel bank (a packaged app may lack it) synthesis falls back to trajectories, with a note', async () => {
    const bank = await loadKernelBank(await loadSynthesisSpec(), work);
    expect(bank.kernels).toEqual([]);
    expect(bank.note).toMatch(/no kernel bank at .*kernels\.json: synthetic blur uses random trajectories only/);
  });
});
