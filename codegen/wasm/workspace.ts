// The wasm kernels' workspace per lowered call: the op table's formula (src/ir/workspace.ts) over the
// call's record, i.e. with the lowering's actual choices (qparams, packed, winograd). The plan places each
// kernel's workspace in the arena (PlanOptions.backend 'wasm'); the emitter checks every call got enough.
import { KERNELS } from '../../src/schedule/abi/kernels.js';
import type { LoweredSchedule } from '../../src/schedule/abi/lower.js';
import { WASM_RECORD_NAMES, wasmRecordFields, wasmRecordWords, type WasmRecordName } from './abi/records.js';
import { OP_TABLE } from '../../src/ir/op-table.js';
import type { KernelGeometry } from '../../src/ir/workspace.js';
import { TinyforgeError } from '../../src/errors.js';

/** Every field some wasm record has: a geometry name outside it is a typo, not a field this record lacks. */
const KNOWN_FIELDS = new Set(WASM_RECORD_NAMES.flatMap((r) => wasmRecordFields(r).map((f) => f.name)));

/** A record's field by name; 0 for a geometry field this record's op does not have (its formula ignores it). */
function reader(record: WasmRecordName, words: Int32Array): (name: string) => number {
  const index = new Map(wasmRecordFields(record).map((f) => [f.name, f.index]));
  return (name) => {
    if (!KNOWN_FIELDS.has(name)) throw new Error(`no wasm kernel record has a field ${name}`);
    return index.has(name) ? words[index.get(name)!]! : 0;
  };
}

/** A call's geometry from its record words (the shared fields src/schedule/abi lowers it to, and the wasm extension's). */
function recordGeometry(symbol: string, words: Int32Array): KernelGeometry {
  const spec = KERNELS[symbol]!;
  const f = reader(spec.record, words);
  return {
    variant: spec.variant,
    batches: f('batches'), inH: f('in_h'), inW: f('in_w'), inDepth: f('in_depth'), outH: f('out_h'), outW: f('out_w'), outDepth: f('out_depth'),
    filterH: f('filter_h'), filterW: f('filter_w'), filterDepth: f('filter_depth'), depthMultiplier: f('depth_multiplier'),
    strideH: f('stride_h'), strideW: f('stride_w'), dilationH: f('dilation_h'), dilationW: f('dilation_w'), padTop: f('pad_top'), padLeft: f('pad_left'),
    depth: f('depth'), units: f('units'), qparams: f('qparams') !== 0, packed: f('packed') !== 0, winograd: f('winograd') !== 0,
    lutBits: f('bit_width'),
  };
}

/** Workspace bytes the wasm kernel of one call needs (its symbol and argument-record words). */
export function callWorkspaceBytes(symbol: string, words: Int32Array): number {
  const spec = KERNELS[symbol];
  if (!spec) throw new Error(`kernel symbol ${symbol} is not in the kernel ABI`);
  const op = spec.ops[0]!;
  const formula = op === 'copy-window' ? null : OP_TABLE[op].workspace;
  return formula ? formula.wasm(recordGeometry(symbol, words)) : 0;
}

function recordWordsOf(lowered: LoweredSchedule, symbol: string, record: number): Int32Array | null {
  const spec = KERNELS[symbol];
  if (!spec) throw new Error(`kernel symbol ${symbol} is not in the kernel ABI`);
  const op = spec.ops[0]!;
  if (op === 'copy-window' || OP_TABLE[op].workspace === null) return null;
  return new Int32Array(lowered.constants.buffer, lowered.constants.byteOffset + record, wasmRecordWords(spec.record));
}

/** The largest workspace any call of a lowered schedule needs. */
export function workspaceBytes(lowered: LoweredSchedule): number {
  let most = 0;
  for (const c of lowered.calls) {
    const words = recordWordsOf(lowered, c.symbol, c.record);
    if (words) most = Math.max(most, callWorkspaceBytes(c.symbol, words));
  }
  return most;
}

/**
 * Every call's planned workspace (`workspace_bytes` in its record) covers what its wasm kernel uses, or an
 * E_USAGE error naming the call: the plan was made for another backend (plan with backend 'wasm').
 */
export function checkPlannedWorkspace(lowered: LoweredSchedule): void {
  lowered.calls.forEach((c, i) => {
    const words = recordWordsOf(lowered, c.symbol, c.record);
    if (!words) return;
    const need = callWorkspaceBytes(c.symbol, words);
    const planned = reader(KERNELS[c.symbol]!.record, words)('workspace_bytes');
    if (need > planned) {
      throw new TinyforgeError('E_USAGE', `call ${i} (${c.symbol}) needs ${need} workspace bytes, the plan gives it ${planned}: plan for the wasm kernels (backend 'wasm')`, {
        call: i, symbol: c.symbol, needBytes: need, plannedBytes: planned,
      });
    }
  });
}
