// What `tinyforge inspect` reports: plain data first, then a text rendering of it.
import type { Graph, Tensor } from '../ir/graph.js';
import type { UnsupportedOperator } from '../import/tflite/operators.js';
import { escapeTerminal } from '../escape.js';
import { graphWeightBytes, opMacs, opWeightBytes, tensorBytes } from '../ir/macs.js';
import { maxOf, minOf } from '../ir/extremes.js';
import { elementCount } from '../ir/shapes.js';

export interface TensorSummary {
  id: number;
  name: string;
  shape: number[];
  dtype: string;
  bytes: number;
  constant: boolean;
  scale?: number | { count: number; min: number; max: number };
  zeroPoint?: number;
  axis?: number;
}

export interface OpSummary {
  index: number;
  kind: string;
  version: number;
  inputs: number[];
  outputs: number[];
  macs: number;
  weightBytes: number;
  attrs: unknown;
}

/** A LUT-compressed weight tensor (TFLM DECODE): its index width and the flash it saves over int8. */
export interface CompressedSummary {
  /** The decoded tensor (the weights the consumer reads). */
  tensor: number;
  name: string;
  bits: number;
  channels: number;
  tableEntries: number;
  /** Packed indices + DECODE header + tables. */
  storedBytes: number;
  int8Bytes: number;
  /** int8Bytes - storedBytes (negative when compression costs flash). */
  savedBytes: number;
}

export interface InspectReport {
  description: string;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  ops: OpSummary[];
  tensors: TensorSummary[];
  compressed: CompressedSummary[];
  /** Operators we cannot run yet: node, op, version and the refusal compile gives (src/report/runnable.ts fills it). */
  unsupported: UnsupportedOperator[];
  totals: { ops: number; tensors: number; macs: number; weightBytes: number; largestActivationBytes: number; opKinds: Record<string, number> };
}

function summarizeTensor(graph: Graph, t: Tensor): TensorSummary {
  const s: TensorSummary = {
    id: t.id,
    name: t.name,
    shape: t.shape,
    dtype: t.dtype,
    bytes: t.data ? t.data.byteLength : tensorBytes(graph, t.id),
    constant: t.data !== null,
  };
  if (t.quant) {
    const { scales, zeroPoints, axis } = t.quant;
    s.scale = scales.length === 1 ? scales[0]! : { count: scales.length, min: minOf(scales), max: maxOf(scales) };
    s.zeroPoint = zeroPoints[0]!;
    if (scales.length > 1) s.axis = axis;
  }
  return s;
}

export function inspectGraph(graph: Graph): InspectReport {
  const ops = graph.ops.map((op, index) => ({
    index,
    kind: op.kind,
    version: op.version,
    inputs: op.inputs,
    outputs: op.outputs,
    macs: opMacs(graph, op),
    weightBytes: opWeightBytes(graph, op),
    attrs: op.attrs,
  }));
  const activations = graph.tensors.filter((t) => !t.data);
  const opKinds: Record<string, number> = {};
  for (const op of graph.ops) opKinds[op.kind] = (opKinds[op.kind] ?? 0) + 1;
  const compressed = graph.ops.flatMap((op): CompressedSummary[] => {
    if (op.kind !== 'DECODE') return [];
    const out = graph.tensors[op.outputs[0]!]!;
    const storedBytes = op.inputs.reduce((n, id) => n + (graph.tensors[id]?.data?.byteLength ?? 0), 0);
    const int8Bytes = elementCount(out.shape);
    const { bitWidth, channels, valueStride } = op.attrs;
    return [{ tensor: out.id, name: out.name, bits: bitWidth, channels, tableEntries: valueStride, storedBytes, int8Bytes, savedBytes: int8Bytes - storedBytes }];
  });
  return {
    description: graph.description,
    inputs: graph.inputs.map((id) => summarizeTensor(graph, graph.tensors[id]!)),
    outputs: graph.outputs.map((id) => summarizeTensor(graph, graph.tensors[id]!)),
    ops,
    tensors: graph.tensors.map((t) => summarizeTensor(graph, t)),
    compressed,
    unsupported: [],
    totals: {
      ops: ops.length,
      tensors: graph.tensors.length,
      macs: ops.reduce((a, o) => a + o.macs, 0),
      weightBytes: graphWeightBytes(graph),
      largestActivationBytes: maxOf(activations.map((t) => tensorBytes(graph, t.id)), 0),
      opKinds,
    },
  };
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const fmtShape = (t: TensorSummary) => `${t.dtype}[${t.shape.join(',')}]`;
const fmtQuant = (t: TensorSummary) =>
  t.scale === undefined ? '' : typeof t.scale === 'number' ? ` s=${t.scale.toPrecision(6)} zp=${t.zeroPoint}` : ` per-channel(axis ${t.axis}, ${t.scale.count})`;

export function formatInspect(name: string, r: InspectReport): string {
  const lines: string[] = [];
  lines.push(escapeTerminal(`${name}${r.description ? ` — ${r.description}` : ''}`));
  for (const t of r.inputs) lines.push(`  input   ${escapeTerminal(t.name)}  ${fmtShape(t)}${fmtQuant(t)}`);
  for (const t of r.outputs) lines.push(`  output  ${escapeTerminal(t.name)}  ${fmtShape(t)}${fmtQuant(t)}`);
  lines.push('');
  const rows = r.ops.map((o) => {
    const ins = o.inputs.filter((id) => id >= 0 && !r.tensors[id]!.constant).map((id) => fmtShape(r.tensors[id]!));
    const outs = o.outputs.map((id) => fmtShape(r.tensors[id]!));
    return [String(o.index), `${o.kind} v${o.version}`, `${ins.join(' + ')} -> ${outs.join(', ')}`, fmtInt(o.macs), fmtInt(o.weightBytes)];
  });
  const header = ['#', 'op', 'shapes', 'MACs', 'weight B'];
  const widths = header.map((h, i) => maxOf(rows.map((row) => row[i]!.length), h.length));
  const fmtRow = (row: string[]) =>
    row.map((c, i) => (i === 0 || i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(fmtRow(header));
  for (const row of rows) lines.push(fmtRow(row));
  lines.push('');
  if (r.compressed.length > 0) {
    lines.push('LUT-compressed weights (TFLM DECODE):');
    for (const c of r.compressed) {
      lines.push(
        `  #${c.tensor} ${escapeTerminal(c.name)}  ${c.bits}-bit, ${c.channels} x ${c.tableEntries}-entry tables: ${fmtInt(c.storedBytes)} B for ${fmtInt(c.int8Bytes)} B of int8, saved ${fmtInt(c.savedBytes)} B`,
      );
    }
    const saved = r.compressed.reduce((n, c) => n + c.savedBytes, 0);
    lines.push(`  ${r.compressed.length} tensors, ${fmtInt(saved)} B of flash saved`);
    lines.push('');
  }
  if (r.unsupported.length > 0) {
    lines.push(...unsupportedRows(r.unsupported), `${r.unsupported.length} operator(s) we cannot run yet`, '');
  }
  const t = r.totals;
  lines.push(
    `${t.ops} ops, ${t.tensors} tensors, ${fmtInt(t.macs)} MACs, ${fmtInt(t.weightBytes)} weight bytes, largest activation ${fmtInt(t.largestActivationBytes)} B`,
  );
  lines.push(
    `ops: ${Object.entries(t.opKinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

/** What `inspect` reports for a model the importer refuses for its operators: each one we cannot run yet. */
export interface UnsupportedReport {
  error: { code: string; message: string };
  unsupported: UnsupportedOperator[];
}

export function formatUnsupported(name: string, r: UnsupportedReport): string {
  const lines = [escapeTerminal(`${name}: cannot run yet (${r.error.code}: ${r.error.message})`)];
  lines.push(...unsupportedRows(r.unsupported), `${r.unsupported.length} operator(s) we cannot run yet`);
  return lines.join('\n');
}

function unsupportedRows(unsupported: readonly UnsupportedOperator[]): string[] {
  const rows = unsupported.map((u) => [`subgraph ${u.subgraph}`, `node ${u.node}`, `${u.op} v${u.version}`, u.reason].map(escapeTerminal));
  const widths = [0, 1, 2].map((i) => maxOf(rows.map((row) => row[i]!.length), 0));
  return rows.map((row) => `  ${row.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')}`);
}
