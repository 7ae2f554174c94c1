import protobuf from 'protobufjs';

/**
 * Multiply-accumulates of a generator graph for an H×W input, counted from the ONNX file so
 * the bench does not trust a manifest number: Conv and ConvTranspose only (everything else is
 * O(pixels × channels) and negligible next to them). Spatial sizes are propagated node by node;
 * ops other than Conv/ConvTranspose are taken to keep their first input's size (true for the
 * element-wise ops, Concat and activations a generator is made of).
 */
const field = (id: number, type: string, repeated = false) => (repeated ? { id, type, rule: 'repeated' } : { id, type });
const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        Model: { fields: { graph: field(7, 'Graph') } },
        Graph: { fields: { node: field(1, 'Node', true), initializer: field(5, 'Tensor', true), input: field(11, 'Value', true) } },
        Node: { fields: { input: field(1, 'string', true), output: field(2, 'string', true), op_type: field(4, 'string'), attribute: field(5, 'Attr', true) } },
        Attr: { fields: { name: field(1, 'string'), ints: field(8, 'int64', true) } },
        Tensor: { fields: { dims: field(1, 'int64', true), name: field(8, 'string') } },
        Value: { fields: { name: field(1, 'string') } },
      },
    },
  },
});
const Model = root.lookupType('onnx.Model');

interface GraphNode {
  input: string[];
  output: string[];
  op_type: string;
  attribute: { name: string; ints?: number[] }[];
}
interface Graph {
  node: GraphNode[];
  initializer: { dims: number[]; name: string }[];
  input: { name: string }[];
}

export interface MacCount {
  macs: number;
  byOp: Record<string, number>;
  convNodes: number;
}

export function countMacs(onnx: Uint8Array, height: number, width: number): MacCount {
  const decoded = Model.toObject(Model.decode(onnx), { longs: Number, arrays: true }) as { graph?: Graph };
  const graph = decoded.graph ?? { node: [], initializer: [], input: [] };
  const weights = new Map(graph.initializer.map((t) => [t.name, t.dims]));
  const sizes = new Map<string, [number, number]>();
  for (const v of graph.input) if (!weights.has(v.name)) sizes.set(v.name, [height, width]);
  const count: MacCount = { macs: 0, byOp: {}, convNodes: 0 };
  for (const n of graph.node) {
    const inSize = sizes.get(n.input[0] ?? '');
    const w = weights.get(n.input[1] ?? '');
    let outSize = inSize;
    if (inSize && w && w.length === 4 && (n.op_type === 'Conv' || n.op_type === 'ConvTranspose')) {
      const { size, macs } = convCost(n, inSize, w as [number, number, number, number]);
      outSize = size;
      count.macs += macs;
      count.byOp[n.op_type] = (count.byOp[n.op_type] ?? 0) + macs;
      count.convNodes++;
    }
    if (outSize) for (const o of n.output) sizes.set(o, outSize);
  }
  return count;
}

function convCost(n: GraphNode, [h, w]: [number, number], dims: [number, number, number, number]): { size: [number, number]; macs: number } {
  const attr = (name: string, fallback: number[]) => n.attribute.find((a) => a.name === name)?.ints ?? fallback;
  const [d0, d1, kh, kw] = dims;
  const [sh, sw] = attr('strides', [1, 1]) as [number, number];
  const [dh, dw] = attr('dilations', [1, 1]) as [number, number];
  const [pt, pl, pb, pr] = attr('pads', [0, 0, 0, 0]) as [number, number, number, number];
  if (n.op_type === 'Conv') {
    // Weight [Cout, Cin/group, kh, kw]: every output pixel costs Cin/group × kh × kw per channel.
    const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
    const ow = Math.floor((w + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
    return { size: [oh, ow], macs: oh * ow * d0 * d1 * kh * kw };
  }
  // ConvTranspose weight [Cin, Cout/group, kh, kw]: every *input* pixel scatters a kernel.
  const [oph, opw] = attr('output_padding', [0, 0]) as [number, number];
  const oh = sh * (h - 1) + oph + dh * (kh - 1) + 1 - pt - pb;
  const ow = sw * (w - 1) + opw + dw * (kw - 1) + 1 - pl - pr;
  return { size: [oh, ow], macs: h * w * d0 * d1 * kh * kw };
}
