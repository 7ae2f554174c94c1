import * as tf from '@tensorflow/tfjs';

/**
 * The tensors of a checkpoint: optimizer slots and variables to and from the plain arrays
 * checkpoint.ts writes. Apart from checkpoint.ts so that listing and reading runs (the training
 * panel's list) never loads TF.js.
 */
/** Optimizer slots (Adam: iterations, first and second moments) in their fixed order. */
export async function optimizerGroup(opt: tf.Optimizer): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const weights = await opt.getWeights();
  // TF.js Adam matches slots to variables by position, so the index is the stable key.
  const group = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [i, w] of weights.entries()) group.set(`${String(i).padStart(5, '0')}:${w.name}`, { shape: w.tensor.shape, data: Float32Array.from(await w.tensor.data()) });
  return group;
}

export async function restoreOptimizer(opt: tf.Optimizer, group: Map<string, { shape: number[]; data: Float32Array }> | undefined): Promise<void> {
  if (!group || group.size === 0) return;
  const entries = [...group].sort(([a], [b]) => a.localeCompare(b));
  await opt.setWeights(entries.map(([key, v]) => ({ name: key.slice(6), tensor: tf.tensor(v.data, v.shape, 'float32') })));
  if (opt instanceof tf.AdamOptimizer) restoreAdamBetaPowers(opt);
}

/**
 * TF.js Adam's setWeights recomputes β^(t+1) with pow(), which can differ by one ulp from the
 * running float32 product an uninterrupted run holds; redo the product so a resumed run continues
 * bit-identically.
 */
function restoreAdamBetaPowers(opt: tf.AdamOptimizer): void {
  const adam = opt as unknown as { iterations_: number; beta1: number; beta2: number; accBeta1: tf.Variable; accBeta2: tf.Variable };
  const product = (beta: number) => {
    const b = Math.fround(beta);
    let p = b;
    for (let i = 0; i < adam.iterations_; i++) p = Math.fround(p * b); // exact float32 multiply
    return p;
  };
  tf.tidy(() => {
    adam.accBeta1.assign(tf.scalar(product(adam.beta1)));
    adam.accBeta2.assign(tf.scalar(product(adam.beta2)));
  });
}

export function variableGroup(weights: Map<string, Float32Array>, variables: ReadonlyMap<string, tf.Variable>): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map([...weights].map(([name, data]) => [name, { shape: variables.get(name)!.shape, data }]));
}
