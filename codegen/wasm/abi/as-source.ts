// The AssemblyScript kernels' copy of the kernel ABI (assembly/abi.ts, written by
// scripts/gen-kernel-abi.mjs): the byte offset of every record field, the wasm fields included.
import { WASM_RECORD_NAMES, wasmRecordFields, wasmRecordWords } from './records.js';

/** AssemblyScript source of assembly/abi.ts: byte offsets of every record field. */
export function asAbiSource(): string {
  const lines = [
    '// GENERATED from src/schedule/abi/records.ts and codegen/wasm/abi/records.ts by scripts/gen-kernel-abi.mjs: do not edit.',
    '// Byte offsets of each argument-record field; arrays give the offset of element 0.',
    '',
  ];
  for (const name of WASM_RECORD_NAMES) {
    for (const f of wasmRecordFields(name)) lines.push(`export const ${name.toUpperCase()}_${f.name.toUpperCase()}: i32 = ${f.index * 4};`);
    lines.push(`export const ${name.toUpperCase()}__BYTES: i32 = ${wasmRecordWords(name) * 4};`, '');
  }
  return lines.join('\n');
}
