import * as tf from '@tensorflow/tfjs';
import { UnshakeError } from '../errors.js';
import { fastConv2d, fastConvTranspose, fastDepthwise, useFastCpuGradients } from './cpu-conv.js';
import {
  broadcastConstToNhwc,
  convKernelToHwio,
  convTransposeKernelToTf,
  depthwiseKernelToTf,
  nchwAxisToNhwc,
  onnxPadsToNhwc,
} from './layout.js';
import type { AttrValue, ConstTensor, GraphNode } from './onnx-reader.js';

/** What an op sees: graph values as tensors (activations in NHWC) and static constants. */
export interface OpContext {
  tensor(name: string): tf.Tensor;
  /** True for values computed from the graph input (rank-4 NHWC activations). */
  isActivation(name: string): boolean;
  /** A value fixed in the file (initializer or Constant node), if it is one. */
  constant(name: string): ConstTensor | undefined;
}

type OpFn = (node: GraphNode, ctx: OpContext) => tf.Tensor;

const ints = (v: AttrValue | undefined, fallback: number[]): number[] => (Array.isArray(v) ? v : fallback);
const num = (v: AttrValue | undefined, fallback: number): number => (typeof v === 'number' ? v : fallback);
const str = (v: AttrValue | undefined, fallback: string): string => (typeof v === 'string' ? v : fallback);

function unsupported(node: GraphNode, what: string): never {
  throw new UnshakeError('MODEL_INVALID', `Node ${node.name} (${node.opType}) uses ${what}, which fine-tuning does not support.`);
}

function pair(v: number[], node: GraphNode, name: string): [number, number] {
  if (v.length !== 2) unsupported(node, `${name}=${JSON.stringify(v)} (only 2-D convolutions are supported)`);
  return [v[0]!, v[1]!];
}

/** ONNX explicit conv pads [top, left, bottom, right] applied as a zero pad in NHWC. */
function padSpatial(x: tf.Tensor4D, pads: number[]): tf.Tensor4D {
  const [t = 0, l = 0, b = 0, r = 0] = pads;
  return t || l || b || r ? tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]) : x;
}

function conv(node: GraphNode, ctx: OpContext): tf.Tensor {
  const x = ctx.tensor(node.inputs[0]!) as tf.Tensor4D;
  const w = ctx.tensor(node.inputs[1]!) as tf.Tensor4D;
  const autoPad = str(node.attrs.auto_pad, 'NOTSET');
  if (autoPad === 'SAME_LOWER') unsupported(node, 'auto_pad=SAME_LOWER');
  const pad = autoPad === 'SAME_UPPER' ? 'same' : 'valid';
  const strides = pair(ints(node.attrs.strides, [1, 1]), node, 'strides');
  const dilations = pair(ints(node.attrs.dilations, [1, 1]), node, 'dilations');
  const group = num(node.attrs.group, 1);
  const input = autoPad === 'NOTSET' ? padSpatial(x, ints(node.attrs.pads, [0, 0, 0, 0])) : x;
  const plain = (t: tf.Tensor4D): tf.Tensor4D => undilatedConv(t, w, { strides, pad, group, channels: x.shape[3] });
  let y: tf.Tensor4D;
  if (dilations[0] === 1 && dilations[1] === 1) y = plain(input);
  else if (pad !== 'valid' || strides[0] !== 1 || strides[1] !== 1) unsupported(node, 'dilations > 1 with strides or auto_pad');
  else y = atrous(input, [w.shape[2], w.shape[3]], dilations, plain);
  return node.inputs[2] ? tf.add(y, ctx.tensor(node.inputs[2])) : y;
}

interface ConvShape {
  strides: [number, number];
  pad: 'same' | 'valid';
  group: number;
  channels: number;
}

function undilatedConv(input: tf.Tensor4D, w: tf.Tensor4D, { strides, pad, group, channels }: ConvShape): tf.Tensor4D {
  const fast = pad === 'valid' && useFastCpuGradients();
  if (group === 1 && fast && strides[0] === 1 && strides[1] === 1) return fastConv2d(input, convKernelToHwio(w));
  if (group === 1) return tf.conv2d(input, convKernelToHwio(w), strides, pad, 'NHWC');
  if (group === channels && fast && w.shape[0] === channels) return fastDepthwise(input, depthwiseKernelToTf(w, channels), strides);
  if (group === channels) return tf.depthwiseConv2d(input, depthwiseKernelToTf(w, channels), strides, pad, 'NHWC');
  // Grouped (neither plain nor depthwise): one conv per group, outputs concatenated.
  const xs = tf.split(input, group, 3) as tf.Tensor4D[];
  const ws = tf.split(w, group, 0) as tf.Tensor4D[];
  return tf.concat(xs.map((xi, i) => tf.conv2d(xi, convKernelToHwio(ws[i]!), strides, pad, 'NHWC')), 3);
}

/**
 * A dilated "valid" convolution as TF's atrous_conv2d computes it: space-to-batch by the
 * dilation, the undilated conv, batch-to-space, then the rows and columns the zero padding
 * added are cut off. TF.js has no gradient for conv2d or depthwiseConv2d with dilations > 1;
 * these ops all have one, so dilated DenseBlocks (model/base --dilations) can be fine-tuned.
 */
export function atrous(input: tf.Tensor4D, kernel: [number, number], [dh, dw]: [number, number],
  convValid: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  const [n, h, w] = input.shape;
  const packed = tf.spaceToBatchND(input, [dh, dw], [[0, (dh - (h % dh)) % dh], [0, (dw - (w % dw)) % dw]]) as tf.Tensor4D;
  const y = tf.batchToSpaceND(convValid(packed), [dh, dw], [[0, 0], [0, 0]]) as tf.Tensor4D;
  return tf.slice(y, [0, 0, 0, 0], [n, h - (kernel[0] - 1) * dh, w - (kernel[1] - 1) * dw, y.shape[3]]);
}

function convTranspose(node: GraphNode, ctx: OpContext): tf.Tensor {
  const x = ctx.tensor(node.inputs[0]!) as tf.Tensor4D;
  const w = ctx.tensor(node.inputs[1]!) as tf.Tensor4D;
  if (num(node.attrs.group, 1) !== 1) unsupported(node, 'group > 1');
  if (ints(node.attrs.dilations, [1, 1]).some((d) => d !== 1)) unsupported(node, 'dilations > 1');
  if (node.attrs.output_shape !== undefined) unsupported(node, 'output_shape');
  if (str(node.attrs.auto_pad, 'NOTSET') !== 'NOTSET') unsupported(node, 'auto_pad');
  const [sh, sw] = pair(ints(node.attrs.strides, [1, 1]), node, 'strides');
  const [oh, ow] = pair(ints(node.attrs.output_padding, [0, 0]), node, 'output_padding');
  const [pt = 0, pl = 0, pb = 0, pr = 0] = ints(node.attrs.pads, [0, 0, 0, 0]);
  const [n, h, wd] = x.shape;
  const [, cout, kh, kw] = w.shape;
  // Full ("valid") transposed conv plus output_padding rows/cols at the end, which receive no
  // input contributions (op < stride keeps tf's shape check happy); ONNX pads then crop it.
  const fullH = (h - 1) * sh + kh + oh;
  const fullW = (wd - 1) * sw + kw + ow;
  const kernel = convTransposeKernelToTf(w);
  const full = useFastCpuGradients()
    ? fastConvTranspose(x, kernel, [n, fullH, fullW, cout], [sh, sw])
    : tf.conv2dTranspose(x, kernel, [n, fullH, fullW, cout], [sh, sw], 'valid');
  const y = tf.slice(full, [0, pt, pl, 0], [n, fullH - pt - pb, fullW - pl - pr, cout]);
  return node.inputs[2] ? tf.add(y, ctx.tensor(node.inputs[2])) : y;
}

/** An element-wise operand: constants broadcast against NCHW data move to NHWC. */
function operand(ctx: OpContext, name: string, other: string): tf.Tensor {
  const t = ctx.tensor(name);
  return !ctx.isActivation(name) && ctx.isActivation(other) ? broadcastConstToNhwc(t) : t;
}

function binary(fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpFn {
  return (node, ctx) => {
    const [a, b] = node.inputs as [string, string];
    return fn(operand(ctx, a, b), operand(ctx, b, a));
  };
}

/** A comparison is a mask: zero gradient (TF.js registers none for Less, so the tape would fail). */
const lessWithoutGradient = tf.customGrad((...inputs) => {
  const [a, b] = inputs as [tf.Tensor, tf.Tensor];
  return { value: tf.less(a, b), gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)] };
});

/** Where(condition, a, b): constants broadcast like binary operands (the linear-light residual's sRGB curve). */
function where(node: GraphNode, ctx: OpContext): tf.Tensor {
  const names = node.inputs as [string, string, string];
  const activation = names.find((n) => ctx.isActivation(n)) ?? names[0];
  const [condition, a, b] = names.map((n) => operand(ctx, n, activation)) as [tf.Tensor, tf.Tensor, tf.Tensor];
  return tf.where(condition, a, b);
}

function scalarInput(node: GraphNode, ctx: OpContext, index: number, fallback: number): number {
  const name = node.inputs[index];
  if (!name) return fallback;
  const c = ctx.constant(name);
  if (!c || c.data.length !== 1) unsupported(node, `a non-constant input "${name}"`);
  return c.data[0]!;
}

function clip(node: GraphNode, ctx: OpContext): tf.Tensor {
  // Opset ≥ 11 passes the bounds as inputs, older opsets as attributes.
  const lo = scalarInput(node, ctx, 1, num(node.attrs.min, -3.4028234663852886e38));
  const hi = scalarInput(node, ctx, 2, num(node.attrs.max, 3.4028234663852886e38));
  return tf.clipByValue(ctx.tensor(node.inputs[0]!), lo, hi);
}

function pad(node: GraphNode, ctx: OpContext): tf.Tensor {
  const x = ctx.tensor(node.inputs[0]!);
  const padsName = node.inputs[1];
  const pads = padsName ? ctx.constant(padsName)?.data : ints(node.attrs.pads, []);
  if (!pads) unsupported(node, 'non-constant pads');
  if (node.inputs[3]) unsupported(node, 'the axes input');
  const paddings = onnxPadsToNhwc(Array.from(pads));
  const mode = str(node.attrs.mode, 'constant');
  if (mode === 'reflect') return tf.mirrorPad(x, paddings, 'reflect');
  if (mode !== 'constant') unsupported(node, `mode=${mode}`);
  return tf.pad(x, paddings, scalarInput(node, ctx, 2, num(node.attrs.value, 0)));
}

function concat(node: GraphNode, ctx: OpContext): tf.Tensor {
  const axis = num(node.attrs.axis, 1);
  if (!node.inputs.every((n) => ctx.isActivation(n))) unsupported(node, 'Concat of constants');
  return tf.concat(node.inputs.map((n) => ctx.tensor(n)), nchwAxisToNhwc(axis));
}

const unary = (fn: (x: tf.Tensor) => tf.Tensor): OpFn => (node, ctx) => fn(ctx.tensor(node.inputs[0]!));

export const OPS: Readonly<Record<string, OpFn>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  Relu: unary(tf.relu),
  LeakyRelu: (node, ctx) => tf.leakyRelu(ctx.tensor(node.inputs[0]!), num(node.attrs.alpha, 0.01)),
  Tanh: unary(tf.tanh),
  Sigmoid: unary(tf.sigmoid),
  Identity: unary((x) => tf.clone(x)),
  Add: binary(tf.add),
  Sub: binary(tf.sub),
  Mul: binary(tf.mul),
  Div: binary(tf.div),
  Pow: binary(tf.pow),
  Less: binary((a, b) => lessWithoutGradient(a, b)),
  Where: where,
  Clip: clip,
  Pad: pad,
  Concat: concat,
};

/** Ops whose every output is a constant; evaluated once when the graph is built. */
export const CONSTANT_OPS = new Set(['Constant']);
