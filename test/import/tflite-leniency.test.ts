// The reader accepts what TFLite Micro's allocator and kernels accept, no more: quantized_dimension is
// only checked where a kernel reads per-channel scales (the filter: that dimension must have one entry
// per output channel), and a zero-point vector of another length than the scales means zero_point[0].
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import type { Graph, Quantization, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { refusal } from '../helpers/refusal.js';

/** Depthwise (per-channel filter along 3) then a conv whose 8x1x1x8 filter has 8 entries along 0 and 3. */
function model(): { graph: Graph; inputs: Uint8Array[] } {
  const b = new ModelBuilder({ name: 'lenient', seed: 11 });
  const x = b.input('x', [1, 4, 4, 8], { scale: 0.05, zeroPoint: -3 });
  const d = b.depthwiseConv2d(x, { kernel: 3, name: 'dw', activation: 'relu' });
  b.output(b.conv2d(d, { filters: 8, kernel: 1, name: 'pw' }));
  return { graph: b.build(), inputs: b.calibrationInputs()[1]! };
}

/** The model written with `edit` applied to the quantization of the tensors `which` selects, then read back. */
function rewritten(graph: Graph, which: (t: Tensor) => boolean, edit: (q: Quantization) => Quantization): Uint8Array {
  const tensors = graph.tensors.map((t) => (t.quant && which(t) ? { ...t, quant: edit(t.quant) } : t));
  return writeTflite({ ...graph, tensors });
}

const isBias = (t: Tensor) => t.name.endsWith('/bias');
const isFilter = (t: Tensor) => t.dtype === 'int8' && t.data !== null;

describe('leniency where TFLM is lenient', () => {
  const { graph, inputs } = model();
  const expected = runReference(graph, inputs).outputs;

  it('the builder model has per-channel biases (the case under test)', () => {
    const biases = graph.tensors.filter(isBias);
    expect(biases.length).toBe(2);
    for (const t of biases) expect(t.quant!.scales.length).toBe(8);
  });

  it('per-channel biases with quantized_dimension 3 on a 1-D shape read and run unchanged', () => {
    const bytes = rewritten(graph, isBias, (q) => ({ ...q, axis: 3 }));
    const g = readTflite(bytes);
    expect(g.tensors.filter(isBias).map((t) => t.quant!.axis)).toEqual([3, 3]);
    expect(runReference(g, inputs).outputs).toEqual(expected);
  });

  it('a single zero point for per-channel scales stands for every channel', () => {
    const bytes = rewritten(graph, (t) => isBias(t) || isFilter(t), (q) => ({ ...q, zeroPoints: [0] }));
    const g = readTflite(bytes);
    for (const t of g.tensors.filter(isFilter)) expect(t.quant!.zeroPoints).toEqual(new Array(8).fill(0));
    expect(runReference(g, inputs).outputs).toEqual(expected);
  });

  it('a filter quantized along another dimension with one entry per output channel is accepted (TFLM checks only the count)', () => {
    const pw = (t: Tensor) => t.name.startsWith('pw/') && isFilter(t);
    expect(graph.tensors.filter(pw).map((t) => t.shape)).toEqual([[8, 1, 1, 8]]);
    const g = readTflite(rewritten(graph, pw, (q) => ({ ...q, axis: 3 })));
    expect(runReference(g, inputs).outputs).toEqual(expected);
  });

  it('a filter whose quantized dimension lacks one entry per output channel is refused, naming it', () => {
    const pw = (t: Tensor) => t.name.startsWith('pw/') && isFilter(t);
    for (const axis of [1, 4, -1]) {
      const bytes = rewritten(graph, pw, (q) => ({ ...q, axis }));
      const error = refusal(() => readTflite(bytes));
      expect(error.code).toBe('E_MODEL_FORMAT');
      expect(error.message).toMatch(new RegExp(`quantized along dimension ${axis} of shape \\[8,1,1,8\\]`));
    }
  });
});
