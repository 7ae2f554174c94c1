import { describe, expect, it } from 'vitest';
import { countMacs } from '../../../model/src/eval/onnx-macs.js';
import { encodeModel, floatTensor, intAttr, intsAttr, node, tensorInfo } from '../../../model/src/models/onnx-writer.js';

/** MAC counting from the graph: sizes propagate through strided convs, transposed convs and other ops. */
describe('countMacs', () => {
  it('counts Conv (grouped, strided) and ConvTranspose MACs for an H×W input', () => {
    const zeros = (n: number) => new Array<number>(n).fill(0);
    const model = encodeModel({
      name: 'macs',
      inputs: [tensorInfo('x', [1, 3, 'h', 'w'])],
      outputs: [tensorInfo('y', [1, 3, 'h', 'w'])],
      initializers: [
        floatTensor('w1', [8, 3, 3, 3], zeros(216)),
        floatTensor('w2', [8, 1, 3, 3], zeros(72)),
        floatTensor('w3', [8, 3, 3, 1], zeros(72)),
      ],
      nodes: [
        // 3→8, 3×3, stride 2, pad 1: (H/2)(W/2) × 8 × 3 × 9
        node('Conv', ['x', 'w1'], ['a'], [intsAttr('strides', [2, 2]), intsAttr('pads', [1, 1, 1, 1])]),
        node('Relu', ['a'], ['b']),
        // depthwise 3×3 (group 8), pad 1: (H/2)(W/2) × 8 × 1 × 9
        node('Conv', ['b', 'w2'], ['c'], [intsAttr('pads', [1, 1, 1, 1]), intAttr('group', 8)]),
        // transposed 3×1, stride (2,1), back to H × W/2: (H/2)(W/2) input px × 8 × 3 × 3
        node('ConvTranspose', ['c', 'w3'], ['y'], [intsAttr('strides', [2, 1]), intsAttr('pads', [1, 0, 1, 0]), intsAttr('output_padding', [1, 0])]),
      ],
    });
    const q = 50 * 40; // (100/2) × (80/2)
    const count = countMacs(model, 100, 80);
    expect(count.byOp).toEqual({ Conv: q * 8 * 27 + q * 8 * 9, ConvTranspose: q * 8 * 3 * 3 });
    expect(count.macs).toBe(q * (216 + 72 + 72));
    expect(count.convNodes).toBe(3);
  });
});
