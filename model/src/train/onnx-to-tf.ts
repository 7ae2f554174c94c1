import * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';
import { readOnnx, type OnnxGraph } from './onnx-reader.js';
import { CONSTANT_OPS, OPS, type OpContext } from './tf-ops.js';
import { assignVariables, readVariables, uniquePrefix } from './weight-store.js';

/**
 * A trainable TF.js network derived from an ONNX graph (not a hand-written copy), so the
 * shipped model, a user's fine-tuned one or a compatible imported generator all train the same
 * way. Conv/ConvTranspose weights and biases become tf.Variables keyed by initializer name and
 * kept in ONNX layout; activations flow in NHWC.
 */
export interface TrainableGenerator {
  readonly inputName: string;
  readonly outputName: string;
  /** Initializer name → variable (ONNX layout), in graph order. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  readonly parameterCount: number;
  /** NHWC batch → NHWC batch. Intermediates are not tidied: call inside tf.tidy or a gradient function. */
  apply(x: tf.Tensor4D): tf.Tensor4D;
  /** Current weights as float32 copies in ONNX layout (for export and checkpoints). */
  readWeights(): Promise<Map<string, Float32Array>>;
  /** Overwrite weights by name (from a checkpoint); every name must exist with the right size. */
  assignWeights(weights: ReadonlyMap<string, Float32Array>): void;
  dispose(): void;
}

export interface BuildOptions {
  /** Which weights the optimizer may change (default: all); frozen ones are still variables. */
  trainable?: (initializerName: string) => boolean;
}

const WEIGHT_OPS = new Set(['Conv', 'ConvTranspose']);

export function buildGenerator(onnxBytes: Uint8Array, options: BuildOptions = {}): TrainableGenerator {
  const graph = readOnnx(onnxBytes);
  checkGraph(graph);
  const constants = new Map(graph.initializers);
  for (const n of graph.nodes.filter((x) => CONSTANT_OPS.has(x.opType))) {
    const value = n.attrs.value;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new UnshakeError('MODEL_INVALID', `Constant node ${n.name} has no tensor value; fine-tuning supports only Constant(value=tensor).`);
    }
    constants.set(n.outputs[0]!, value);
  }
  const weightNames = new Set(
    graph.nodes.filter((n) => WEIGHT_OPS.has(n.opType)).flatMap((n) => n.inputs.slice(1).filter((name) => graph.initializers.has(name))),
  );
  const prefix = uniquePrefix('gen');
  const variables = new Map<string, tf.Variable>();
  for (const [name, c] of graph.initializers) {
    if (!weightNames.has(name) || c.kind !== 'float') continue;
    variables.set(name, tf.variable(tf.tensor(c.data, c.dims, 'float32'), options.trainable?.(name) ?? true, `${prefix}/${name}`));
  }
  const runNodes = graph.nodes.filter((n) => !CONSTANT_OPS.has(n.opType));
  const inputName = graph.inputs[0]!;
  const outputName = graph.outputs[0]!;

  const apply = (x: tf.Tensor4D): tf.Tensor4D => {
    const values = new Map<string, tf.Tensor>([[inputName, x]]);
    const activations = new Set([inputName]);
    const ctx: OpContext = {
      tensor(name) {
        const v = values.get(name) ?? variables.get(name);
        if (v) return v;
        const c = constants.get(name);
        if (!c) throw new UnshakeError('MODEL_INVALID', `The ONNX graph uses "${name}" before it is computed.`);
        const t = tf.tensor(c.data, c.dims, c.kind === 'float' ? 'float32' : 'int32');
        values.set(name, t);
        return t;
      },
      isActivation: (name) => activations.has(name),
      constant: (name) => constants.get(name),
    };
    for (const n of runNodes) {
      const out = OPS[n.opType]!(n, ctx);
      values.set(n.outputs[0]!, out);
      if (n.inputs.some((name) => activations.has(name))) activations.add(n.outputs[0]!);
    }
    return values.get(outputName) as tf.Tensor4D;
  };

  return {
    inputName,
    outputName,
    variables,
    parameterCount: [...variables.values()].reduce((s, v) => s + v.size, 0),
    apply,
    readWeights: () => readVariables(variables),
    assignWeights: (weights) => assignVariables(variables, weights, 'generator'),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

function checkGraph(graph: OnnxGraph): void {
  const unknown = [...new Set(graph.nodes.map((n) => n.opType))].filter((op) => !OPS[op] && !CONSTANT_OPS.has(op));
  if (unknown.length > 0) {
    throw new UnshakeError('MODEL_INVALID', `This model uses ops fine-tuning does not support: ${unknown.join(', ')}.`);
  }
  if (graph.inputs.length !== 1 || graph.outputs.length < 1) {
    throw new UnshakeError('MODEL_INVALID', `Fine-tuning needs a model with one image input, found ${graph.inputs.length}.`);
  }
  const multiOut = graph.nodes.find((n) => n.outputs.length !== 1 && !CONSTANT_OPS.has(n.opType));
  if (multiOut) throw new UnshakeError('MODEL_INVALID', `Node ${multiOut.name} has ${multiOut.outputs.length} outputs; only single-output ops are supported.`);
}

/**
 * Weights of the decoder and tail: every Conv/ConvTranspose from the first ConvTranspose on
 * (graph order). The lighter training mode trains only these; gradients then stop at the
 * frozen encoder, so its backward pass is skipped entirely.
 */
export function decoderWeightNames(onnxBytes: Uint8Array): Set<string> {
  const graph = readOnnx(onnxBytes);
  const first = graph.nodes.findIndex((n) => n.opType === 'ConvTranspose');
  if (first < 0) throw new UnshakeError('MODEL_INVALID', 'This model has no ConvTranspose decoder, so decoder-only training does not apply.');
  return new Set(
    graph.nodes.slice(first).filter((n) => WEIGHT_OPS.has(n.opType)).flatMap((n) => n.inputs.slice(1).filter((name) => graph.initializers.has(name))),
  );
}

