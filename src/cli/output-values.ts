// What `run` prints when no --output file is given: each output's real values (dequantized with the
// tensor's scale and zero point) and, for a classifier-shaped output, its top classes.
import type { Tensor } from '../ir/graph.js';
import { typedView } from '../reference/views.js';
import { escapeTerminal } from '../escape.js';

/** Classes listed for a classifier-shaped output. */
export const TOP_K = 5;
/** Values printed per output in the text form; --json carries them all. */
const TEXT_VALUES = 16;

export interface OutputValues {
  index: number;
  name: string;
  dtype: string;
  shape: number[];
  /** Real values: (q - zero point) * scale for a per-tensor quantized tensor, the stored values otherwise. */
  values: number[];
  dequantized: boolean;
  /** Largest values first (lower index first on ties); only for a [N] or [1, N] output with N >= 2. */
  top: { class: number; value: number }[] | null;
}

/** A classifier's output: one row of N >= 2 scores. */
function isClassifierShaped(shape: readonly number[]): boolean {
  const n = shape[shape.length - 1] ?? 0;
  return n >= 2 && (shape.length === 1 || (shape.length === 2 && shape[0] === 1));
}

export function outputValues(index: number, tensor: Tensor, bytes: Uint8Array): OutputValues {
  const copy = bytes.slice(); // aligned for any element type
  const probe = typedView(tensor.dtype, new ArrayBuffer(0), 0, 0);
  const raw = typedView(tensor.dtype, copy.buffer, 0, copy.byteLength / probe.BYTES_PER_ELEMENT);
  const q = tensor.quant;
  // Activations are quantized per tensor; a per-channel output (no converter writes one) is shown as stored.
  const dequantized = q !== null && q.scales.length === 1;
  const scale = dequantized ? q.scales[0]! : 1;
  const zeroPoint = dequantized ? q.zeroPoints[0] ?? 0 : 0;
  const values = Array.from(raw as ArrayLike<number | bigint>, (v) => (Number(v) - zeroPoint) * scale);
  const top = isClassifierShaped(tensor.shape)
    ? values
        .map((value, i) => ({ class: i, value }))
        .sort((a, b) => b.value - a.value || a.class - b.class)
        .slice(0, TOP_K)
    : null;
  return { index, name: tensor.name, dtype: tensor.dtype, shape: [...tensor.shape], values, dequantized, top };
}

const num = (v: number) => String(Number(v.toPrecision(6)));

export function formatOutputValues(o: OutputValues): string {
  const lines = [`output ${o.index} ${escapeTerminal(o.name)} ${o.dtype}[${o.shape.join(',')}]${o.dequantized ? ' (dequantized)' : ''}:`];
  const shown = o.values.slice(0, TEXT_VALUES).map(num).join(' ');
  lines.push(`  ${shown}${o.values.length > TEXT_VALUES ? ` … (${o.values.length - TEXT_VALUES} more; --json has all)` : ''}`);
  if (o.top) lines.push(`  top ${o.top.length}: ${o.top.map((t) => `class ${t.class} ${num(t.value)}`).join(', ')}`);
  return lines.join('\n') + '\n';
}
