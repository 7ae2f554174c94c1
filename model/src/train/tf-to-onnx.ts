import protobuf from 'protobufjs';
import { UnshakeError } from '../errors.js';

/**
 * Writes new weights into a COPY of an ONNX file. The patch works on the protobuf wire format:
 * every byte outside the replaced initializers (nodes, attributes, metadata, value_info, fields
 * this code has never heard of) is copied verbatim, so the engine sees the same graph.
 */
// Field numbers from onnx.proto3: ModelProto.graph, GraphProto.initializer, TensorProto.*.
const [MODEL_GRAPH, GRAPH_INITIALIZER] = [7, 5];
const [TENSOR_DIMS, TENSOR_FLOAT_DATA, TENSOR_NAME, TENSOR_RAW_DATA] = [1, 4, 8, 9];
const LENGTH_DELIMITED = 2; // protobuf wire type

interface Field {
  field: number;
  /** Whole encoded field (tag + payload), for verbatim copies. */
  bytes: Uint8Array;
  /** Payload of a length-delimited field. */
  body?: Uint8Array;
}

function fieldsOf(bytes: Uint8Array): Field[] {
  const r = protobuf.Reader.create(bytes);
  const out: Field[] = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const tag = r.uint32();
    const field = tag >>> 3;
    if ((tag & 7) === LENGTH_DELIMITED) {
      const body = r.bytes();
      out.push({ field, bytes: bytes.subarray(start, r.pos), body });
    } else {
      r.skipType(tag & 7);
      out.push({ field, bytes: bytes.subarray(start, r.pos) });
    }
  }
  return out;
}

function lengthDelimited(field: number, body: Uint8Array): Uint8Array {
  return protobuf.Writer.create().uint32((field << 3) | LENGTH_DELIMITED).bytes(body).finish();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function tensorName(fields: Field[]): string {
  const nameField = fields.find((x) => x.field === TENSOR_NAME);
  return nameField?.body ? new TextDecoder().decode(nameField.body) : '';
}

function elementCount(fields: Field[]): number {
  let count = 1;
  for (const x of fields.filter((y) => y.field === TENSOR_DIMS)) {
    // dims is repeated int64: packed (length-delimited) or one varint per field.
    const r = protobuf.Reader.create(x.body ?? x.bytes.subarray(1));
    while (r.pos < r.len) count *= Number(r.int64());
  }
  return count;
}

function patchTensor(body: Uint8Array, weights: ReadonlyMap<string, Float32Array>, used: Set<string>): Uint8Array {
  const fields = fieldsOf(body);
  const name = tensorName(fields);
  const values = weights.get(name);
  if (!values) return body;
  if (values.length !== elementCount(fields)) {
    throw new UnshakeError('MODEL_INVALID', `Weight ${name} has ${values.length} values but the ONNX initializer holds ${elementCount(fields)}.`);
  }
  used.add(name);
  const kept = fields.filter((x) => x.field !== TENSOR_FLOAT_DATA && x.field !== TENSOR_RAW_DATA).map((x) => x.bytes);
  // raw_data is little-endian float32, like the typed array on every platform we ship.
  const raw = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  return concat([...kept, lengthDelimited(TENSOR_RAW_DATA, raw)]);
}

function patchGraph(body: Uint8Array, weights: ReadonlyMap<string, Float32Array>, used: Set<string>): Uint8Array {
  return concat(
    fieldsOf(body).map((x) =>
      x.field === GRAPH_INITIALIZER && x.body ? lengthDelimited(GRAPH_INITIALIZER, patchTensor(x.body, weights, used)) : x.bytes,
    ),
  );
}

/**
 * A copy of `onnxBytes` whose float initializers named in `weights` hold the given values
 * (same element count, ONNX layout). Every name in `weights` must exist in the file.
 */
export function writeWeightsToOnnx(onnxBytes: Uint8Array, weights: ReadonlyMap<string, Float32Array>): Uint8Array {
  const used = new Set<string>();
  const out = concat(
    fieldsOf(onnxBytes).map((x) => (x.field === MODEL_GRAPH && x.body ? lengthDelimited(MODEL_GRAPH, patchGraph(x.body, weights, used)) : x.bytes)),
  );
  const missing = [...weights.keys()].filter((k) => !used.has(k));
  if (missing.length > 0) {
    throw new UnshakeError('MODEL_INVALID', `The ONNX file has no initializer named ${missing.join(', ')}; it is not the model these weights came from.`);
  }
  return out;
}
