// The wasm kernels' record layouts: each shared record (src/schedule/abi/records.ts) with the words the
// wasm extension appends after its last shared field, and the records only preparation steps take.
// The AssemblyScript offsets (assembly/abi.ts) are generated from these; the C header never sees them.
import { layoutFields, layoutWords, RECORDS, type RecordField, type RecordName } from '../../../src/schedule/abi/records.js';

/** Words the wasm backend appends to a shared record: tables and weights only the wasm kernels read (0 = absent). */
export const WASM_FIELDS: { readonly [R in RecordName]?: readonly string[] } = {
  conv2d: ['qparams', 'packed', 'wide', 'winograd'],
  dwconv2d: ['qparams'],
  fully_connected: ['qparams', 'wide'],
  fully_connected_lut: ['qparams'],
  /** lut_block: channels per block of a pointwise conv2d_lut_s8 (src/ir/workspace.ts convLutChannels); 0: decoded in the dot loop. */
  conv2d_lut: ['qparams', 'lut_block'],
  add: ['lut'],
  sigmoid: ['table'],
  lstm: ['table'],
};

/** Records of the preparation steps (prepare.ts) that no model call takes. */
export const PREPARE_RECORDS = {
  /** widen_s8_s16: `count` int8 at input as int16 at output. */
  widen: ['input', 'output', 'count'],
  /** winograd_weights_s8: the Winograd weights at output of the int8 3x3 filter at input. */
  winograd_weights: ['input', 'output', 'out_depth', 'in_depth'],
} as const satisfies Record<string, readonly string[]>;

export type WasmRecordName = RecordName | keyof typeof PREPARE_RECORDS;

/** Every record the wasm kernels read, shared ones first. */
export const WASM_RECORD_NAMES: readonly WasmRecordName[] = [...(Object.keys(RECORDS) as RecordName[]), ...(Object.keys(PREPARE_RECORDS) as Array<keyof typeof PREPARE_RECORDS>)];

function specs(name: WasmRecordName): readonly string[] {
  if (name === 'widen' || name === 'winograd_weights') return PREPARE_RECORDS[name];
  return [...RECORDS[name], ...(WASM_FIELDS[name] ?? [])];
}

export function wasmRecordFields(name: WasmRecordName): RecordField[] {
  return layoutFields(specs(name));
}

export function wasmRecordWords(name: WasmRecordName): number {
  return layoutWords(wasmRecordFields(name));
}
