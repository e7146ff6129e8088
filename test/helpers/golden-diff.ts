// Names the first operator whose output differs from TFLM's intermediates: the place to look.
import type { Graph } from '../../src/ir/graph.js';
import { runReference } from '../../src/reference/interpreter.js';
import { viewBytes } from '../../src/reference/views.js';

export interface OpMismatch {
  opIndex: number;
  op: string;
  tensor: number;
  tensorName: string;
  differingBytes: number;
  totalBytes: number;
  maxDiff: number;
  firstAt: number;
}

function compare(dtype: string, got: Uint8Array, want: Uint8Array): { count: number; maxDiff: number; firstAt: number } {
  let count = 0, maxDiff = 0, firstAt = -1;
  const asNumbers = (b: Uint8Array) =>
    dtype === 'float32' ? new Float32Array(b.slice().buffer) : dtype === 'int8' ? new Int8Array(b.buffer, b.byteOffset, b.length) : b;
  const g = asNumbers(got), w = asNumbers(want);
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    if (got[i] !== want[i]) {
      count++;
      if (firstAt < 0) firstAt = i;
    }
  }
  for (let i = 0; i < Math.min(g.length, w.length); i++) maxDiff = Math.max(maxDiff, Math.abs(Number(g[i]) - Number(w[i])));
  if (got.length !== want.length) count += Math.abs(got.length - want.length);
  return { count, maxDiff, firstAt };
}

export function firstMismatch(graph: Graph, inputs: Uint8Array[], intermediates: Map<number, Uint8Array>): OpMismatch | null {
  let found: OpMismatch | null = null;
  runReference(graph, inputs, {
    onOpDone(opIndex, op, outputs) {
      if (found) return;
      op.outputs.forEach((id, j) => {
        const want = intermediates.get(id);
        if (found || !want) return;
        const t = graph.tensors[id]!;
        const { count, maxDiff, firstAt } = compare(t.dtype, viewBytes(outputs[j]!), want);
        if (count > 0) {
          found = { opIndex, op: op.kind, tensor: id, tensorName: t.name, differingBytes: count, totalBytes: want.length, maxDiff, firstAt };
        }
      });
    },
  });
  return found;
}

export function describeMismatch(m: OpMismatch): string {
  return `first differing op #${m.opIndex} ${m.op} -> tensor ${m.tensor} (${m.tensorName}): ${m.differingBytes}/${m.totalBytes} bytes differ, max diff ${m.maxDiff}, first at byte ${m.firstAt}`;
}
