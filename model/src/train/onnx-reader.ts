import protobuf from 'protobufjs';
import { UnshakeError } from '../errors.js';

/**
 * Reads the parts of an ONNX model the trainer needs to rebuild the network: nodes with all
 * attribute kinds (incl. tensors of Constant nodes), initializers stored as raw_data or as
 * float_data/int64_data (PyTorch and our own writer use both), graph inputs/outputs.
 * onnx-writer.ts keeps its schema private and only summarises, so this file declares the
 * reader's own subset (field numbers from onnx/onnx.proto3) as a JSON descriptor.
 */
const f = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });
const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: { fields: { ir_version: f(1, 'int64'), graph: f(7, 'GraphProto'), opset_import: f(8, 'OperatorSetIdProto', 'repeated') } },
        OperatorSetIdProto: { fields: { domain: f(1, 'string'), version: f(2, 'int64') } },
        GraphProto: {
          fields: {
            node: f(1, 'NodeProto', 'repeated'),
            initializer: f(5, 'TensorProto', 'repeated'),
            input: f(11, 'ValueInfoProto', 'repeated'),
            output: f(12, 'ValueInfoProto', 'repeated'),
          },
        },
        ValueInfoProto: { fields: { name: f(1, 'string') } },
        NodeProto: {
          fields: {
            input: f(1, 'string', 'repeated'),
            output: f(2, 'string', 'repeated'),
            name: f(3, 'string'),
            op_type: f(4, 'string'),
            attribute: f(5, 'AttributeProto', 'repeated'),
            domain: f(7, 'string'),
          },
        },
        AttributeProto: {
          fields: {
            name: f(1, 'string'),
            f: f(2, 'float'),
            i: f(3, 'int64'),
            s: f(4, 'bytes'),
            t: f(5, 'TensorProto'),
            floats: f(7, 'float', 'repeated'),
            ints: f(8, 'int64', 'repeated'),
            type: f(20, 'int32'),
          },
        },
        TensorProto: {
          fields: {
            dims: f(1, 'int64', 'repeated'),
            data_type: f(2, 'int32'),
            float_data: f(4, 'float', 'repeated'),
            int32_data: f(5, 'int32', 'repeated'),
            int64_data: f(7, 'int64', 'repeated'),
            name: f(8, 'string'),
            raw_data: f(9, 'bytes'),
            data_location: f(14, 'int32'),
          },
        },
      },
    },
  },
});
const ModelProto = root.lookupType('onnx.ModelProto');

const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;

/** A constant tensor from the file: float data as Float32Array, integer data as plain numbers. */
export interface ConstTensor {
  name: string;
  dims: number[];
  kind: 'float' | 'int';
  data: Float32Array | number[];
}

export type AttrValue = number | string | number[] | ConstTensor;

export interface GraphNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

export interface OnnxGraph {
  nodes: GraphNode[];
  initializers: Map<string, ConstTensor>;
  /** Graph inputs that are not initializers (older exporters list initializers as inputs too). */
  inputs: string[];
  outputs: string[];
  opset: number;
}

interface RawTensor {
  name: string;
  dims: number[];
  data_type: number;
  float_data: number[];
  int32_data: number[];
  int64_data: number[];
  raw_data: Uint8Array;
  data_location: number;
}
interface RawAttr { name: string; f: number; i: number; s: Uint8Array; t?: RawTensor; floats: number[]; ints: number[]; type: number }
interface RawNode { input: string[]; output: string[]; name: string; op_type: string; attribute: RawAttr[]; domain: string }
interface RawModel {
  opset_import: { domain: string; version: number }[];
  graph?: { node: RawNode[]; initializer: RawTensor[]; input: { name: string }[]; output: { name: string }[] };
}

export function readOnnx(bytes: Uint8Array): OnnxGraph {
  let m: RawModel;
  try {
    m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true, arrays: true }) as RawModel;
  } catch (error) {
    throw new UnshakeError('MODEL_INVALID', `The file is not a readable ONNX model: ${(error as Error).message}`, { cause: error });
  }
  if (!m.graph) throw new UnshakeError('MODEL_INVALID', 'The ONNX model has no graph.');
  const initializers = new Map(m.graph.initializer.map((t) => [t.name, toConst(t)]));
  const opset = m.opset_import.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  return {
    nodes: m.graph.node.map(toNode),
    initializers,
    inputs: m.graph.input.map((v) => v.name).filter((n) => !initializers.has(n)),
    outputs: m.graph.output.map((v) => v.name),
    opset,
  };
}

function toNode(n: RawNode): GraphNode {
  if (n.domain && n.domain !== 'ai.onnx') {
    throw new UnshakeError('MODEL_INVALID', `Node ${n.name || n.op_type} uses the custom op domain "${n.domain}", which fine-tuning does not support.`);
  }
  const attrs: Record<string, AttrValue> = {};
  for (const a of n.attribute) attrs[a.name] = attrValue(a);
  return { opType: n.op_type, name: n.name || `${n.op_type}_${n.output[0] ?? ''}`, inputs: n.input, outputs: n.output, attrs };
}

function attrValue(a: RawAttr): AttrValue {
  switch (a.type) {
    case 1: return a.f;
    case 2: return a.i;
    case 3: return new TextDecoder().decode(a.s);
    case 4: return toConst(a.t!);
    case 6: return a.floats;
    case 7: return a.ints;
    default: throw new UnshakeError('MODEL_INVALID', `Attribute "${a.name}" has a type (${a.type}) fine-tuning does not support.`);
  }
}

function toConst(t: RawTensor): ConstTensor {
  if (t.data_location === 1) {
    throw new UnshakeError('MODEL_INVALID', `Initializer ${t.name} is stored as external data; re-export the model as a single file.`);
  }
  const count = t.dims.reduce((a, b) => a * b, 1);
  const raw = t.raw_data.byteLength > 0 ? t.raw_data : null;
  if (t.data_type === FLOAT) {
    const data = raw ? new Float32Array(copyBytes(raw), 0, count) : Float32Array.from(t.float_data);
    return { name: t.name, dims: t.dims, kind: 'float', data };
  }
  if (t.data_type === INT64 || t.data_type === INT32) {
    const data = raw
      ? t.data_type === INT64
        ? Array.from(new BigInt64Array(copyBytes(raw), 0, count), Number)
        : Array.from(new Int32Array(copyBytes(raw), 0, count))
      : t.data_type === INT64 ? t.int64_data : t.int32_data;
    return { name: t.name, dims: t.dims, kind: 'int', data };
  }
  throw new UnshakeError('MODEL_INVALID', `Tensor ${t.name} has data type ${t.data_type}; fine-tuning supports float32, int32 and int64.`);
}

/** An aligned copy: raw_data may be a Node Buffer view into a shared pool, at any offset. */
function copyBytes(raw: Uint8Array): ArrayBuffer {
  return new Uint8Array(raw).buffer;
}
