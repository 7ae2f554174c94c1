import * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';

/**
 * Copy-out / copy-in of a named set of variables (generator, critic) for export and checkpoints.
 * Reads are asynchronous: the WebGPU backend cannot read GPU buffers synchronously in Node.
 */
export async function readVariables(variables: ReadonlyMap<string, tf.Variable>): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of variables) out.set(name, (await v.data()) as Float32Array);
  return out;
}

export function assignVariables(variables: ReadonlyMap<string, tf.Variable>, weights: ReadonlyMap<string, Float32Array>, what: string): void {
  for (const [name, data] of weights) {
    const v = variables.get(name);
    if (!v || v.size !== data.length) {
      throw new UnshakeError('MODEL_INVALID', `Saved ${what} weight ${name} (${data.length} values) does not fit this model.`);
    }
    v.assign(tf.tensor(data, v.shape, 'float32'));
  }
}

let instanceCounter = 0;

/** tf.Variable names are global to the engine; a per-instance prefix lets several copies coexist. */
export function uniquePrefix(kind: string): string {
  return `${kind}${++instanceCounter}`;
}
