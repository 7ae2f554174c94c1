import protobuf from 'protobufjs';

/**
 * Just enough of onnx.proto (field numbers from onnx/onnx.proto3) to write and read small
 * generator graphs without Python: the placeholder model, bench micro-models, tests.
 */
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  string name = 1;
  AttributeType type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
  string domain = 7;
}
message StringStringEntryProto { string key = 1; string value = 2; }
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int64 int64_data = 7;
  string name = 8;
  bytes raw_data = 9;
  string doc_string = 12;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
`;

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** Opset 17 / IR 8: run by onnxruntime's CPU, CUDA, DirectML and CoreML providers. */
export const DEFAULT_OPSET = 17;
const IR_VERSION = 8;

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface OnnxNode {
  op_type: string;
  input: string[];
  output: string[];
  name: string;
  attribute: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

export interface OnnxGraphSpec {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxTensor[];
  docString?: string;
  opset?: number;
  producer?: string;
  metadata?: Record<string, string>;
}

export const intAttr = (name: string, i: number): OnnxAttribute => ({ name, type: 2, i });
export const intsAttr = (name: string, ints: number[]): OnnxAttribute => ({ name, type: 7, ints });
export const floatAttr = (name: string, f: number): OnnxAttribute => ({ name, type: 1, f });
export const stringAttr = (name: string, s: string): OnnxAttribute => ({
  name,
  type: 3,
  s: new TextEncoder().encode(s),
});

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: OnnxAttribute[] = [],
): OnnxNode {
  return { op_type: opType, input: inputs, output: outputs, name: `${opType}_${outputs[0] ?? ''}`, attribute: attributes };
}

/** Float32 initializer stored as little-endian raw_data (the compact form exporters use). */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  const data = Float32Array.from(values);
  assertSize(name, dims, data.length);
  return { name, dims, data_type: ONNX_FLOAT, raw_data: bytesOf(data) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): OnnxTensor {
  assertSize(name, dims, values.length);
  return { name, dims, data_type: ONNX_INT64, raw_data: bytesOf(BigInt64Array.from(values, BigInt)) };
}

/** A tensor input/output; string dims are symbolic (dynamic) axes. */
export function tensorInfo(name: string, dims: (number | string)[], elemType = ONNX_FLOAT): OnnxValueInfo {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

export function encodeModel(spec: OnnxGraphSpec): Uint8Array {
  const model = {
    ir_version: IR_VERSION,
    producer_name: spec.producer ?? 'unshake',
    producer_version: '1',
    opset_import: [{ domain: '', version: spec.opset ?? DEFAULT_OPSET }],
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.name,
      doc_string: spec.docString ?? '',
      node: spec.nodes,
      input: spec.inputs,
      output: spec.outputs,
      initializer: spec.initializers,
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`Invalid ONNX model object: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

export interface OnnxModelSummary {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  opTypes: string[];
  inputs: { name: string; dims: (number | string)[] }[];
  outputs: { name: string; dims: (number | string)[] }[];
  initializers: { name: string; dims: number[] }[];
  metadata: Record<string, string>;
}

interface DecodedValueInfo {
  name: string;
  type?: { tensor_type?: { shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}

/** Read back the parts of a model that tests and the model importer check. */
export function decodeModel(bytes: Uint8Array): OnnxModelSummary {
  const m = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: true }) as {
    ir_version: number;
    opset_import: { domain: string; version: number }[];
    metadata_props: { key: string; value: string }[];
    graph?: { node: { op_type: string }[]; input: DecodedValueInfo[]; output: DecodedValueInfo[]; initializer: { name: string; dims: number[] }[] };
  };
  const dimsOf = (v: DecodedValueInfo) =>
    (v.type?.tensor_type?.shape?.dim ?? []).map((d) => d.dim_param || (d.dim_value ?? 0));
  const graph = m.graph ?? { node: [], input: [], output: [], initializer: [] };
  return {
    irVersion: m.ir_version,
    opsets: m.opset_import,
    opTypes: [...new Set(graph.node.map((n) => n.op_type))],
    inputs: graph.input.map((v) => ({ name: v.name, dims: dimsOf(v) })),
    outputs: graph.output.map((v) => ({ name: v.name, dims: dimsOf(v) })),
    initializers: graph.initializer.map((t) => ({ name: t.name, dims: t.dims })),
    metadata: Object.fromEntries(m.metadata_props.map((p) => [p.key, p.value])),
  };
}

function assertSize(name: string, dims: number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) throw new Error(`Tensor ${name}: dims ${dims.join('x')} need ${expected} values, got ${length}`);
}

function bytesOf(view: Float32Array | BigInt64Array): Uint8Array {
  // ONNX raw_data is little-endian; typed arrays are native-endian, which is little on every target we ship.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
