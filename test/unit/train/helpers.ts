import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const placeholderPath = path.join(repoRoot, 'model/weights/placeholder.onnx');
/** The trained base model under either name issue 5 / the brief use; null until it ships. */
export const basePath = ['base.onnx', 'unshake-base.onnx'].map((f) => path.join(repoRoot, 'model/weights', f)).find((f) => existsSync(f)) ?? null;

/** ../shared/data/<name>, failing loudly when the shared data set is not mounted. */
export function sharedData(name: string): string {
  const dir = path.resolve(repoRoot, '../shared/data', name);
  if (!existsSync(dir)) throw new Error(`Test data missing: ${dir} (the shared data folder must sit next to the repo)`);
  return dir;
}

/** A real 8-bit RGB crop of a gopro-train-pairs photo. */
export async function realCrop(file: string, left: number, top: number, size: number): Promise<Uint8Array> {
  const { data } = await sharp(path.join(sharedData('gopro-train-pairs'), file))
    .extract({ left, top, width: size, height: size })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

export const GOPRO_BLURRED = 'GOPR0477_11_00_st_frame-165_n_avg-8.png';

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const PAIR_CROPS = [
  ['GOPR0477_11_00_st_frame-165_n_avg-8', 520, 260],
  ['GOPR0374_11_00_st_frame-802_n_avg-10', 600, 300],
  ['GOPR0374_11_00_st_frame-815_n_avg-10', 300, 200],
] as const;

/** A blur/ + sharp/ folder of three real 96×96 GoPro crops (two train, one held out), or the first `count`. */
export async function makeGoproPairsFolder(pairsDir: string, count: number = PAIR_CROPS.length): Promise<void> {
  const src = sharedData('gopro-train-pairs');
  for (const sub of ['blur', 'sharp']) await mkdir(path.join(pairsDir, sub), { recursive: true });
  for (const [name, left, top] of PAIR_CROPS.slice(0, count)) {
    const region = { left, top, width: 96, height: 96 };
    await sharp(path.join(src, `${name}.png`)).extract(region).png().toFile(path.join(pairsDir, 'blur', `${name}.png`));
    await sharp(path.join(src, `${name}_gt.png`)).extract(region).png().toFile(path.join(pairsDir, 'sharp', `${name}.png`));
  }
}

/** Gradients of sum(f(x, w) · r) for a fixed random r, with respect to x and w. */
export function grads(f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, w: tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const r = tf.randomNormal(f(x, w).shape, 0, 1, 'float32', 3);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
    return g.map((t) => t.dataSync() as Float32Array);
  });
}
