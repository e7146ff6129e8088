// Operator versions against what TFLite's converter writes (tensorflow/lite/tools/versioning/op_version.cc,
// GetBuiltinOperatorVersion): for every op kind we run, at every dtype we run it with, the version the
// converter gives that op is accepted, and the version after our cap (a meaning we do not implement, or
// none yet) is refused by name, node and version. TFLM itself never reads the version.
import { describe, expect, it } from 'vitest';
import { readTflite, unsupportedOperators } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { builtinCode } from '../../src/import/tflite/schema.js';
import type { Graph } from '../../src/ir/graph.js';
import { OP_KINDS } from '../../src/ir/ops.js';
import { compileModel } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { refusal } from '../helpers/refusal.js';
import { singleOpGraph } from '../plan/overlap-harness.js';
import { craftTflite } from './craft.js';

/**
 * [kind, dtype, the version the converter writes]: int8 (the int8 kernels), int16 (16x8: int16
 * activations, int8 weights) and float32 (the float reference). The written version is the larger of
 * op_version.cc's and, for a post-training-quantized op, the quantizer's floor (optimize/operator_property.cc
 * `property.version`: CONV_2D/DEPTHWISE_CONV_2D/TRANSPOSE_CONV 3, FULLY_CONNECTED 4, SVDF 3, most others 2),
 * which is why the 16x8 CONV_2D of ../shared/golden-int16 carry v3. Read from those files, not from ours.
 */
const CONVERTER_VERSIONS: Array<[string, 'int8' | 'int16' | 'int32' | 'float32', number]> = [
  ['ADD', 'int8', 2], ['ADD', 'int16', 3], ['ADD', 'float32', 1],
  ['SUB', 'int8', 2], ['SUB', 'int16', 5], ['SUB', 'float32', 1],
  ['MUL', 'int8', 3], ['MUL', 'int16', 4], ['MUL', 'float32', 1],
  ['AVERAGE_POOL_2D', 'int8', 2], ['AVERAGE_POOL_2D', 'int16', 3], ['MAX_POOL_2D', 'int8', 2], ['MAX_POOL_2D', 'int16', 3],
  ['CONV_2D', 'int8', 3], ['CONV_2D', 'int16', 3], ['CONV_2D', 'float32', 1], // 16x8 (int8 filter): op_version 1, the quantizer's 3; op_version's 4 needs an int16 filter (16x16, not a TFLM kernel)
  ['DEPTHWISE_CONV_2D', 'int8', 3], ['DEPTHWISE_CONV_2D', 'int16', 5], ['DEPTHWISE_CONV_2D', 'float32', 2], // 2: dilation
  ['FULLY_CONNECTED', 'int8', 6], ['FULLY_CONNECTED', 'int16', 6], ['FULLY_CONNECTED', 'float32', 6], // 6: no bias; 7 is an int16 filter
  ['CONCATENATION', 'int8', 2], ['CONCATENATION', 'int16', 3],
  ['QUANTIZE', 'int8', 1], ['QUANTIZE', 'int16', 2], ['DEQUANTIZE', 'int8', 2], ['DEQUANTIZE', 'int16', 3],
  ['LEAKY_RELU', 'int8', 1], ['LEAKY_RELU', 'int16', 2],
  ['LOGISTIC', 'int8', 2], ['LOGISTIC', 'int16', 3], ['TANH', 'int8', 2], ['TANH', 'int16', 3],
  ['RELU', 'int8', 2], ['RELU', 'int16', 3], ['RELU6', 'int8', 2], ['RELU6', 'int16', 3],
  ['MEAN', 'int8', 2], ['MEAN', 'int16', 3], ['SOFTMAX', 'int8', 2], ['SOFTMAX', 'int16', 3],
  ['PAD', 'int8', 2], ['PAD', 'int16', 3], ['PADV2', 'int8', 2], ['PADV2', 'int16', 3],
  ['RESHAPE', 'int8', 1], ['SQUEEZE', 'int8', 1], ['EXPAND_DIMS', 'int8', 1], ['SHAPE', 'int8', 1], ['ZEROS_LIKE', 'int8', 1],
  ['RESIZE_NEAREST_NEIGHBOR', 'int8', 3], ['RESIZE_NEAREST_NEIGHBOR', 'int16', 4],
  ['STRIDED_SLICE', 'int8', 2], ['STRIDED_SLICE', 'int16', 2],
  ['TRANSPOSE', 'int8', 2], ['TRANSPOSE', 'int16', 5],
  ['MAXIMUM', 'int8', 2], ['MAXIMUM', 'int16', 4], ['MINIMUM', 'int8', 2], ['MINIMUM', 'int16', 4],
  ['TRANSPOSE_CONV', 'int8', 3], ['TRANSPOSE_CONV', 'int16', 3], // 3: with a bias
  ['SVDF', 'int8', 3], ['ABS', 'int8', 2], ['ABS', 'int16', 3], ['RSQRT', 'int8', 2], ['SQUARED_DIFFERENCE', 'int8', 2],
  ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'int8', 1], ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'int16', 5],
  ['DEPTH_TO_SPACE', 'int8', 2], ['SPACE_TO_DEPTH', 'int8', 2],
  ['PACK', 'int8', 2], ['PACK', 'int16', 3], ['SPLIT', 'int8', 2], ['SPLIT', 'int16', 4], ['SPLIT_V', 'int8', 2],
  ['UNPACK', 'int8', 2], ['UNPACK', 'int16', 4], ['BROADCAST_TO', 'int8', 3], ['BROADCAST_TO', 'int16', 3],
  ['GATHER', 'int8', 2], ['GATHER', 'float32', 1], ['PRELU', 'int8', 1], ['PRELU', 'int16', 1], ['CAST', 'int8', 3],
  ['HARD_SWISH', 'int8', 1], ['RELU_N1_TO_1', 'int8', 1],
  ['ELU', 'int8', 2], ['ELU', 'float32', 1], ['EXP', 'float32', 1], ['NEG', 'float32', 1], ['DIV', 'int8', 2], ['DIV', 'float32', 1], ['DIV', 'int32', 1], ['LOG_SOFTMAX', 'int8', 2],
  ['BATCH_MATMUL', 'int8', 2], ['BATCH_MATMUL', 'int16', 3], ['BATCH_MATMUL', 'float32', 1],
  ['SUM', 'int8', 2], ['SUM', 'int16', 2], ['REDUCE_MAX', 'int8', 2], ['L2_NORMALIZATION', 'int8', 2],
  ['RESIZE_BILINEAR', 'int8', 2], ['RESIZE_BILINEAR', 'float32', 1],
];

/** One operator of `kind` at `version` over [1, 4] int8 tensors: only its operator code matters here. */
function oneOp(kind: string, version: number): Uint8Array {
  return craftTflite({
    codes: [{ builtin: builtinCode(kind), version }],
    tensors: [{ shape: [1, 4] }, { shape: [1, 4] }],
    operators: [{ opcode: 0, inputs: [0], outputs: [1] }],
    inputs: [0],
    outputs: [1],
  });
}

describe("the versions TFLite's converter writes", () => {
  it.each(CONVERTER_VERSIONS)('%s %s v%i: the operator code is accepted', (kind, _dtype, version) => {
    expect(unsupportedOperators(oneOp(kind, version))).toEqual([]);
  });

  it('every kind we run (DECODE is a custom op) has a row', () => {
    const rows = new Set(CONVERTER_VERSIONS.map(([kind]) => kind));
    expect(OP_KINDS.filter((k) => k !== 'DECODE' && !rows.has(k))).toEqual([]);
  });

  it.each(OP_KINDS.filter((k) => k !== 'DECODE'))('%s: the version after our cap is refused naming op, node and version', (kind) => {
    const listed = unsupportedOperators(oneOp(kind, 99)); // the cap itself: the first version listed
    const cap = Number(/^supported up to v(\d+)$/.exec(listed[0]!.reason)![1]);
    const e = refusal(() => readTflite(oneOp(kind, cap + 1)));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe(`unsupported operator ${kind} (v${cap + 1}) at node 0; supported up to v${cap}`);
  });
});

describe('int16 MAXIMUM/MINIMUM at the converter\'s v4', () => {
  const t = { shape: [1, 2, 3], dtype: 'int16' as const, scale: 0.001 };
  for (const kind of ['MAXIMUM', 'MINIMUM'] as const) {
    it(`${kind}: loads, runs on the reference (elementwise ${kind.toLowerCase()} of the int16 values) and compiles; v5 is refused`, async () => {
      const built = singleOpGraph(kind, {}, [t, t], t);
      const file = writeTflite({ ...built, ops: [{ ...built.ops[0]!, version: 4 }] as Graph['ops'] });
      const graph = readTflite(file);
      expect(graph.ops[0]!.version).toBe(4);
      const a = [-32768, -5, 0, 7, 32767, 100], b = [-1, -6, 0, 8, -32768, 100];
      const bytes = (v: number[]) => new Uint8Array(Int16Array.from(v).buffer);
      const [out] = runReference(graph, [bytes(a), bytes(b)]).outputs;
      const pick = kind === 'MAXIMUM' ? Math.max : Math.min;
      expect(Array.from(new Int16Array(out!.buffer, out!.byteOffset, 6))).toEqual(a.map((x, i) => pick(x, b[i]!)));
      // the C kernel maximum_s16 / minimum_s16 takes it
      await expect(compileModel(graph, { target: 'c' })).resolves.toMatchObject({ target: 'c' });
      expect(refusal(() => readTflite(writeTflite({ ...built, ops: [{ ...built.ops[0]!, version: 5 }] as Graph['ops'] }))).message).toMatch(new RegExp(`unsupported operator ${kind} \\(v5\\) at node 0; supported up to v4`));
    });
  }
});
