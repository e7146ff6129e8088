// The nonlinear kernels against TFLite Micro's own tensors (../shared/golden, intermediates of input set 0).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/ir/graph.js';
import type { OpAttrs } from '../../../src/ir/ops.js';
import type { NonlinearKind } from '../../../src/ir/params/nonlinear.js';
import { GOLDEN_DIR, haveShared } from '../../helpers/shared.js';
import { makeOp, makeTensors, run, type TensorSpec } from './harness.js';

interface ManifestTensor {
  index: number;
  name: string;
  shape: number[];
  dtype: string;
  scale: number | null;
  zero_point: number | null;
  file?: string | null;
  file_pattern?: string;
}

function loadTensor(model: string, index: number): { spec: TensorSpec; values: ArrayLike<number> } {
  const dir = join(GOLDEN_DIR, model);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, ManifestTensor[]>;
  const all = [...m.inputs!, ...m.outputs!, ...m.intermediates!];
  const t = all.find((x) => x.index === index && (x.file || x.file_pattern))!;
  const file = t.file ?? t.file_pattern!.replace('{k}', '0');
  const bytes = readFileSync(join(dir, file));
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const dtype = t.dtype.toLowerCase() as DType;
  const values = dtype === 'int8' ? new Int8Array(buf) : dtype === 'float32' ? new Float32Array(buf) : new Int16Array(buf);
  const q: [number, number] | null = t.scale === null ? null : [t.scale, t.zero_point!];
  return { spec: { shape: t.shape, dtype, q, name: t.name }, values };
}

interface Case<K extends NonlinearKind> {
  model: string;
  kind: K;
  attrs: OpAttrs[K];
  input: number;
  output: number;
}

const CASES: Array<Case<NonlinearKind>> = [
  { model: 'kws_ref_model', kind: 'SOFTMAX', attrs: { beta: 1 }, input: 33, output: 34 },
  { model: 'vww_96_int8', kind: 'SOFTMAX', attrs: { beta: 1 }, input: 87, output: 88 },
  { model: 'micro_speech_quantized', kind: 'SOFTMAX', attrs: { beta: 1 }, input: 6, output: 9 },
  { model: 'pretrainedResnet_quant', kind: 'SOFTMAX', attrs: { beta: 1 }, input: 36, output: 37 },
  { model: 'mcunet_vww', kind: 'MEAN', attrs: { axes: [3], keepDims: false }, input: 13, output: 60 },
  { model: 'mcunet_vww', kind: 'MEAN', attrs: { axes: [2], keepDims: false }, input: 60, output: 144 },
  { model: 'mobilenet_v2_quantized_1x3x224x224', kind: 'MEAN', attrs: { axes: [1, 2], keepDims: true }, input: 98, output: 63 },
  { model: 'mcunet_vww', kind: 'QUANTIZE', attrs: {}, input: 127, output: 54 },
  { model: 'mcunet_vww', kind: 'DEQUANTIZE', attrs: {}, input: 39, output: 78 },
];

const present = haveShared();

describe.skipIf(!present)('nonlinear kernels vs TFLM golden tensors', () => {
  for (const c of CASES) {
    const ready = present && existsSync(join(GOLDEN_DIR, c.model));
    it.skipIf(!ready)(`${c.model}: ${c.kind} t${c.input} -> t${c.output} bit-exact`, () => {
      const input = loadTensor(c.model, c.input);
      const output = loadTensor(c.model, c.output);
      const specs = [input.spec, output.spec];
      if (c.kind === 'MEAN') specs.splice(1, 0, { shape: [(c.attrs as OpAttrs['MEAN']).axes.length], dtype: 'int32' });
      const tensors = makeTensors(specs);
      const op = makeOp(c.kind, c.attrs, tensors, c.kind === 'MEAN' ? [0, 1] : [0], [specs.length - 1]);
      const got = run(op, tensors, input.values);
      expect(Array.from(got)).toEqual(Array.from(output.values));
    });
  }
});
