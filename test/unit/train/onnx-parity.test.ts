import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ort } from '../../../model/src/infer/ort.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { getSession } from '../../../model/src/infer/session-manager.js';
import { decodeModel } from '../../../model/src/models/onnx-writer.js';
import { nchwToNhwc, nhwcToNchw } from '../../../model/src/train/layout.js';
import { buildGenerator, type TrainableGenerator } from '../../../model/src/train/onnx-to-tf.js';
import { cropTensor } from '../../../model/src/train/tensor-image.js';
import { writeWeightsToOnnx } from '../../../model/src/train/tf-to-onnx.js';
import { buildTinyGeneratorOnnx } from '../../fixtures/tiny-generator.js';
import { basePath, GOPRO_BLURRED, maxAbsDiff, placeholderPath, realCrop } from './helpers.js';

const SIZE = 64;
let tmp: string;
let input: tf.Tensor4D; // NHWC [-1, 1], a real GoPro crop

async function ortForward(bytes: Uint8Array, name: string): Promise<Float32Array> {
  const file = path.join(tmp, `${name}.onnx`);
  await writeFile(file, bytes);
  const { session } = await getSession(file, { preferred: 'cpu' });
  const nchw = tf.tidy(() => nhwcToNchw(input));
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', nchw.dataSync() as Float32Array, nchw.shape) };
  nchw.dispose();
  const out = await session.run(feeds);
  return out[session.outputNames[0]!]!.data as Float32Array;
}

function tfForward(gen: TrainableGenerator): Float32Array {
  return tf.tidy(() => nhwcToNchw(gen.apply(input))).dataSync() as Float32Array;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'unshake-parity-'));
  input = cropTensor(await realCrop(GOPRO_BLURRED, 600, 300, SIZE), SIZE, SIZE);
});

const models: [string, () => Promise<Uint8Array | null>][] = [
  ['placeholder.onnx', async () => new Uint8Array(await readFile(placeholderPath))],
  ['tiny generator', async () => buildTinyGeneratorOnnx(3)],
  ['tiny generator with a linear-light residual', async () => buildTinyGeneratorOnnx(3, 4, 'linear')],
  ['tiny generator with a dilated dense layer', async () => buildTinyGeneratorOnnx(3, 4, 'srgb', 3)],
  ['base.onnx', async () => (basePath ? new Uint8Array(await readFile(basePath)) : null)],
];

describe.each(models)('TF.js graph from %s', (label, load) => {
  it('matches onnxruntime-node on a real 64×64 crop (max abs diff ≤ 1e-3)', async (ctx) => {
    const bytes = await load();
    if (!bytes) return ctx.skip(`${label} is not in model/weights yet (issue 5)`);
    const gen = buildGenerator(bytes);
    const [ours, reference] = [tfForward(gen), await ortForward(bytes, `${label}-orig`)];
    gen.dispose();
    expect(ours.length).toBe(3 * SIZE * SIZE);
    expect(maxAbsDiff(ours, reference)).toBeLessThanOrEqual(1e-3);
    // The network must actually change the image, or the comparison proves nothing.
    const identity = tf.tidy(() => nhwcToNchw(input)).dataSync();
    expect(maxAbsDiff(reference, identity)).toBeGreaterThan(1e-3);
  });

  it('exports unchanged weights to an ONNX that ORT runs exactly like the original', async (ctx) => {
    const bytes = await load();
    if (!bytes) return ctx.skip(`${label} is not in model/weights yet (issue 5)`);
    const gen = buildGenerator(bytes);
    const copy = writeWeightsToOnnx(bytes, await gen.readWeights());
    gen.dispose();
    const before = decodeModel(bytes);
    const after = decodeModel(copy);
    expect(after.opTypes).toEqual(before.opTypes);
    expect(after.initializers).toEqual(before.initializers);
    expect(after.metadata).toEqual(before.metadata);
    expect(Array.from(await ortForward(copy, `${label}-copy`))).toEqual(Array.from(await ortForward(bytes, `${label}-orig2`)));
  });
});

describe('fine-tuned weights round trip', () => {
  it('a perturbed tiny generator exported to ONNX runs in ORT like the TF.js model', async () => {
    const bytes = buildTinyGeneratorOnnx(5);
    const gen = buildGenerator(bytes);
    // Stand-in for training: move every weight, so stale data in the copy would show.
    for (const v of gen.variables.values()) v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', 7))));
    const tuned = writeWeightsToOnnx(bytes, await gen.readWeights());
    const ours = tfForward(gen);
    gen.dispose();
    expect(maxAbsDiff(ours, await ortForward(tuned, 'tuned'))).toBeLessThanOrEqual(1e-3);
    expect(maxAbsDiff(ours, await ortForward(bytes, 'untuned'))).toBeGreaterThan(1e-3);
  });

  it('refuses weights that do not belong to the file', () => {
    const bytes = buildTinyGeneratorOnnx(1);
    expect(() => writeWeightsToOnnx(bytes, new Map([['nope', new Float32Array(3)]]))).toThrow(/no initializer named nope/);
    expect(() => writeWeightsToOnnx(bytes, new Map([['tail.bias', new Float32Array(2)]]))).toThrow(/holds 3/);
  });

  it('keeps variables in ONNX layout, keyed by initializer name', () => {
    const gen = buildGenerator(buildTinyGeneratorOnnx(1));
    expect(gen.variables.get('head.weight')?.shape).toEqual([4, 3, 7, 7]);
    expect(gen.variables.get('up1.rows.weight')?.shape).toEqual([8, 8, 3, 1]);
    expect(gen.variables.has('clip_lo')).toBe(false); // Clip bounds are constants, not weights
    const x = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(tf.tidy(() => gen.apply(nchwToNhwc(nhwcToNchw(x)))).shape).toEqual([1, 8, 8, 3]);
    gen.dispose();
  });
});
